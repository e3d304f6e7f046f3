import { existsSync, readFileSync } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { LogEntry } from '../../../server/domain/schema/log.js';
import {
  FileEventLogStore,
  type LogFileHandle,
  type LogFs,
  parseLogBytes,
} from '../../../server/store/event-log-file.js';
import { MemoryEventLogStore } from '../../../server/store/event-log-memory.js';
import { CorruptStoreError, type EventLogStore } from '../../../server/store/store.js';

/** Entry `seq` of a drill as it would be logged: the start, then operators reporting in. */
function entry(seq: number): LogEntry {
  if (seq === 1)
    return {
      seq,
      t: 0,
      type: 'drill-started',
      manual: { id: 'kakao-incident', version: '2023-12' },
      scenario: { id: 'kakao-pangyo-fire', version: '1' },
      participants: [{ person: 'kim-minjun', role: 'operations-lead' }],
    };
  return {
    seq,
    t: seq * 15_000,
    type: 'action',
    role: 'operator',
    person: 'lee-seoyeon',
    action: 'report-failure',
    channel: 'kakaowork',
    text: `Pangyo DC rack ${seq} unreachable`,
    fields: {},
  };
}

function entries(from: number, count: number): LogEntry[] {
  return Array.from({ length: count }, (_, i) => entry(from + i));
}

function lines(list: LogEntry[]): string {
  return list.map((e) => `${JSON.stringify(e)}\n`).join('');
}

/** What the file system did, and what it should do wrong next. */
interface Spy {
  datasyncs: number;
  /** Writes still to fail: each writes half its bytes, then throws EIO. */
  tornWrites: number;
  /** Datasyncs still to fail with EIO. */
  failedSyncs: number;
  /** Called as each write starts. */
  onWrite?: (path: string) => void;
  /** Called as each datasync completes. */
  onSynced?: (path: string) => void;
}

function eio(call: string): Error {
  return Object.assign(new Error(`EIO: i/o error, ${call}`), { code: 'EIO' });
}

/** Node's file system, counting datasyncs and failing on demand. */
function spyFs(): { fs: LogFs; spy: Spy } {
  const spy: Spy = { datasyncs: 0, tornWrites: 0, failedSyncs: 0 };
  const fs: LogFs = {
    mkdir: (path, options) => nodeFs.mkdir(path, options),
    readFile: (path) => nodeFs.readFile(path),
    readdir: (path) => nodeFs.readdir(path),
    stat: (path) => nodeFs.stat(path),
    async open(path, flags): Promise<LogFileHandle> {
      const handle = await nodeFs.open(path, flags);
      return {
        async write(buffer, offset, length) {
          spy.onWrite?.(path);
          if (spy.tornWrites > 0) {
            spy.tornWrites -= 1;
            await handle.write(buffer, offset, Math.floor(length / 2));
            throw eio('write');
          }
          return handle.write(buffer, offset, length);
        },
        async datasync() {
          spy.datasyncs += 1;
          if (spy.failedSyncs > 0) {
            spy.failedSyncs -= 1;
            throw eio('fdatasync');
          }
          await handle.datasync();
          spy.onSynced?.(path);
        },
        sync: () => handle.sync(),
        truncate: (length) => handle.truncate(length),
        stat: () => handle.stat(),
        close: () => handle.close(),
      };
    },
  };
  return { fs, spy };
}

/** The error a promise rejects with; fails if it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('event log stores', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firedrill-event-log-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const makers: [string, () => Promise<EventLogStore>][] = [
    ['FileEventLogStore', () => FileEventLogStore.open(join(dir, 'logs'))],
    ['MemoryEventLogStore', async () => new MemoryEventLogStore()],
  ];
  for (const [name, make] of makers) {
    describe(`${name} (shared rules)`, () => {
      it('reads back what was appended, in order, and lists the drill', async () => {
        const store = await make();
        await store.append('drill-2026-11-03', entries(1, 3));
        await store.append('drill-2026-11-03', entries(4, 2));
        expect(await store.read('drill-2026-11-03')).to.deep.equal({
          entries: entries(1, 5),
          droppedTornLine: false,
        });
        expect(await store.read('never-ran')).to.deep.equal({
          entries: [],
          droppedTornLine: false,
        });
        expect(await store.list()).to.deep.equal(['drill-2026-11-03']);
        await store.close();
      });

      it('refuses drill ids that are not safe file names, and invalid entries', async () => {
        const store = await make();
        for (const id of ['../etc/passwd', 'a/b', '.hidden', '', 'x'.repeat(129)]) {
          expect((await rejection(store.append(id, entries(1, 1)))).message).to.contain('drill id');
          expect((await rejection(store.read(id))).message).to.contain('drill id');
        }
        const bad = { ...entry(2), role: 'Operator Lead' } as LogEntry;
        const error = await rejection(store.append('drill-a', [entry(1), bad]));
        expect(error.message).to.match(/entry 1 \(seq 2\).*role/);
        expect((await store.read('drill-a')).entries).to.deep.equal([]);
        await store.close();
      });

      it('rejects appends after close', async () => {
        const store = await make();
        await store.close();
        expect((await rejection(store.append('drill-a', entries(1, 1)))).message).to.contain(
          'closed',
        );
      });
    });
  }

  describe('FileEventLogStore', () => {
    it('writes one JSON line per entry to <dir>/<drillId>.jsonl, and a reopened store reads it', async () => {
      const store = await FileEventLogStore.open(dir);
      await store.append('drill-a', entries(1, 3));
      await store.close();
      expect(await readFile(join(dir, 'drill-a.jsonl'), 'utf8')).to.equal(lines(entries(1, 3)));
      const again = await FileEventLogStore.open(dir);
      await again.append('drill-a', entries(4, 1));
      expect((await again.read('drill-a')).entries).to.deep.equal(entries(1, 4));
      await again.close();
    });

    it('creates its directory on the first append when constructed directly', async () => {
      const store = new FileEventLogStore(join(dir, 'data', 'drills'));
      expect(await store.list()).to.deep.equal([]);
      await store.append('drill-a', entries(1, 1));
      expect(await readFile(join(dir, 'data', 'drills', 'drill-a.jsonl'), 'utf8')).to.equal(
        lines(entries(1, 1)),
      );
      await store.close();
    });

    it('resolves an append only once its lines are fdatasynced', async () => {
      const { fs, spy } = spyFs();
      const store = await FileEventLogStore.open(dir, { fs });
      let synced = false;
      spy.onSynced = () => {
        synced = true;
      };
      await store.append('drill-a', entries(1, 1)).then(() => expect(synced).to.equal(true));
      await store.close();
    });

    it('tells an append its lines are written before their fdatasync returns, and never for a failed write', async () => {
      const { fs, spy } = spyFs();
      const store = await FileEventLogStore.open(dir, { fs });
      let synced = 0;
      spy.onSynced = () => {
        synced += 1;
      };
      const seen: { file: string; synced: number }[] = [];
      const onWritten = () =>
        void seen.push({
          file: readFileSync(join(dir, 'drill-a.jsonl'), 'utf8'),
          synced,
        });
      await store.append('drill-a', entries(1, 2), { onWritten });
      expect(seen).to.deep.equal([{ file: lines(entries(1, 2)), synced: 0 }]);
      expect(synced).to.equal(1);
      spy.tornWrites = 1;
      await rejection(store.append('drill-a', entries(3, 1), { onWritten }));
      expect(seen, 'not told for a write that failed').to.have.lengthOf(1);
      await store.close();
    });

    it('lands concurrent appends from 50 drills × 20 in order per drill, sharing flushes', async () => {
      const { fs, spy } = spyFs();
      const store = await FileEventLogStore.open(dir, { fs });
      const drills = Array.from({ length: 50 }, (_, d) => `drill-${d}`);
      const appends = drills.flatMap((drill) =>
        Array.from({ length: 20 }, (_, i) => store.append(drill, [entry(i + 1)])),
      );
      await Promise.all(appends);
      expect(spy.datasyncs).to.be.below(appends.length / 4);
      for (const drill of drills)
        expect((await store.read(drill)).entries, drill).to.deep.equal(entries(1, 20));
      expect(await store.list()).to.have.members(drills);
      await store.close();
    });

    for (const [kind, tail] of [
      ['without its newline', '{"seq":3,"t":45000,"type":"act'],
      ['that does not parse', '\u0000\u0000\u0000\u0000\n'],
    ] as const) {
      it(`drops a torn last line ${kind}, and cuts it off before the next append`, async () => {
        const file = join(dir, 'drill-a.jsonl');
        await writeFile(file, lines(entries(1, 2)) + tail);
        const store = await FileEventLogStore.open(dir);
        expect(await store.read('drill-a')).to.deep.equal({
          entries: entries(1, 2),
          droppedTornLine: true,
        });
        await store.append('drill-a', entries(3, 1));
        expect(await store.read('drill-a')).to.deep.equal({
          entries: entries(1, 3),
          droppedTornLine: false,
        });
        await store.close();
        expect(await readFile(file, 'utf8')).to.equal(lines(entries(1, 3)));
      });
    }

    it('counts the good bytes in bytes, not characters, past Korean text and a torn character', () => {
      const korean = { ...entry(2), text: '판교 데이터센터 화재: 카카오톡 불통' } as LogEntry;
      const good = Buffer.from(lines([entry(1), korean]));
      for (const tail of [
        Buffer.from('{"seq":3,"t":45000,"text":"판'),
        Buffer.from('판교').subarray(0, 4),
        Buffer.from('판교\n'),
      ]) {
        const parsed = parseLogBytes('drill-a.jsonl', Buffer.concat([good, tail]));
        expect(parsed).to.deep.include({ goodBytes: good.length, droppedTornLine: true });
        expect(parsed.entries).to.deep.equal([entry(1), korean]);
      }
      expect(parseLogBytes('drill-a.jsonl', good)).to.deep.include({
        goodBytes: good.length,
        droppedTornLine: false,
      });
      expect(parseLogBytes('drill-a.jsonl', Buffer.from('\n'))).to.deep.equal({
        entries: [],
        goodBytes: 0,
        droppedTornLine: true,
      });
    });

    it('refuses a log with a bad line in the middle, naming the file and line, and leaves it', async () => {
      const file = join(dir, 'drill-a.jsonl');
      const text = `${lines(entries(1, 2))}{"seq":3,"t":\n${lines(entries(4, 1))}`;
      await writeFile(file, text);
      const store = await FileEventLogStore.open(dir);
      const error = await rejection(store.read('drill-a'));
      expect(error).to.be.instanceOf(CorruptStoreError);
      expect(error.message).to.contain(file).and.to.contain('line 3');
      expect(await rejection(store.append('drill-a', entries(5, 1)))).to.be.instanceOf(
        CorruptStoreError,
      );
      expect(await readFile(file, 'utf8')).to.equal(text);
      await store.close();
    });

    it('rejects the appends of a failed write, leaves no half line, and carries on', async () => {
      const { fs, spy } = spyFs();
      const store = await FileEventLogStore.open(dir, { fs });
      await store.append('drill-a', entries(1, 2));
      spy.tornWrites = 1;
      let queued: Promise<void> | undefined;
      spy.onWrite = () => {
        // Made while the failing write runs: it follows the lost entries, so it fails too.
        queued ??= store.append('drill-a', entries(5, 1));
      };
      const failed = [
        store.append('drill-a', entries(3, 1)),
        store.append('drill-a', entries(4, 1)),
      ];
      for (const append of failed) expect((await rejection(append)).message).to.contain('EIO');
      expect((await rejection(queued as Promise<void>)).message).to.contain('earlier append');
      spy.onWrite = undefined;
      expect(await readFile(join(dir, 'drill-a.jsonl'), 'utf8')).to.equal(lines(entries(1, 2)));

      await store.append('drill-a', entries(3, 2));
      expect(await store.read('drill-a')).to.deep.equal({
        entries: entries(1, 4),
        droppedTornLine: false,
      });
      await store.close();
    });

    it('rejects an append whose fdatasync fails and rolls the file back', async () => {
      const { fs, spy } = spyFs();
      const store = await FileEventLogStore.open(dir, { fs });
      await store.append('drill-a', entries(1, 1));
      spy.failedSyncs = 1;
      expect((await rejection(store.append('drill-a', entries(2, 1)))).message).to.contain('EIO');
      expect(await readFile(join(dir, 'drill-a.jsonl'), 'utf8')).to.equal(lines(entries(1, 1)));
      await store.append('drill-a', entries(2, 2));
      expect((await store.read('drill-a')).entries).to.deep.equal(entries(1, 3));
      await store.close();
    });

    it('fails loudly on a file where writes fail for real (/dev/full), other drills unharmed', async function () {
      if (!existsSync('/dev/full')) this.skip();
      await symlink('/dev/full', join(dir, 'drill-full.jsonl'));
      const store = await FileEventLogStore.open(dir);
      const [full, fine] = await Promise.allSettled([
        store.append('drill-full', entries(1, 1)),
        store.append('drill-fine', entries(1, 1)),
      ]);
      expect(full.status).to.equal('rejected');
      expect((full as PromiseRejectedResult).reason.code).to.equal('ENOSPC');
      expect(fine.status).to.equal('fulfilled');
      expect(await rejection(store.append('drill-full', entries(1, 1)))).to.have.property(
        'code',
        'ENOSPC',
      );
      expect((await store.read('drill-fine')).entries).to.deep.equal(entries(1, 1));
      await store.close();
    });

    it('flushes pending appends on close', async () => {
      const store = await FileEventLogStore.open(dir);
      const append = store.append('drill-a', entries(1, 3));
      await store.close();
      await append;
      expect(await readFile(join(dir, 'drill-a.jsonl'), 'utf8')).to.equal(lines(entries(1, 3)));
    });

    it('stamps a log by what it holds, through its own file system, and a missing one not at all', async () => {
      await writeFile(join(dir, 'drill-s.jsonl'), lines(entries(1, 2)));
      const reader = new FileEventLogStore(dir);
      expect(await reader.stamp('drill-none')).to.equal(undefined);
      const before = await reader.stamp('drill-s');
      expect(before).to.be.a('string');
      expect(await reader.stamp('drill-s')).to.equal(before);
      await nodeFs.appendFile(join(dir, 'drill-s.jsonl'), lines(entries(3, 1)));
      expect(await reader.stamp('drill-s')).to.not.equal(before);
      // The file system it was given answers, not node's: a failing stat fails the stamp.
      const { fs } = spyFs();
      const failing = new FileEventLogStore(dir, {
        fs: { ...fs, stat: () => Promise.reject(eio('stat')) },
      });
      expect((await rejection(failing.stamp('drill-s'))).message).to.include('EIO');
    });
  });
});
