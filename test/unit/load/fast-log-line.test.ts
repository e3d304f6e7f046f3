import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { LogEntry } from '../../../server/domain/schema/log.js';
import { LogLineScanner } from '../../../server/load/fast-log-line.js';
import { parseLogBytes } from '../../../server/store/event-log-file.js';
import { FIXTURES } from '../../helpers/drills.js';
import { entryArbitrary, storedLogs, zodText } from '../../helpers/log-entries.js';

/** What JSON.parse and zod make of a line, as JSON text, or undefined if either refuses it. */
function slowText(line: string): string | undefined {
  try {
    return zodText(JSON.parse(line));
  } catch {
    return undefined;
  }
}

/** What the scanner makes of a line alone, as JSON text. */
function scannedText(line: string): string | undefined {
  const entry = new LogLineScanner(line).scan(0, line.length);
  return entry && JSON.stringify(entry);
}

/**
 * Scans `lines` with one scanner (so that later lines meet the strings pooled from earlier
 * ones) and asserts, for each line it reads, that JSON.parse and zod read it too and to the
 * same entry, keys in the same order. Returns how many lines it read.
 */
function expectAgrees(lines: readonly string[]): number {
  const text = lines.map((line) => `${line}\n`).join('');
  const scanner = new LogLineScanner(text);
  let start = 0;
  let read = 0;
  for (const line of lines) {
    const entry = scanner.scan(start, start + line.length);
    start += line.length + 1;
    if (entry === undefined) continue;
    read += 1;
    const slow = slowText(line);
    expect(slow, `the scanner read what JSON.parse or zod refuses: ${line}`).to.not.equal(
      undefined,
    );
    expect(JSON.stringify(entry), line).to.equal(slow);
    expect(entry, line).to.deep.equal(JSON.parse(slow as string));
  }
  return read;
}

/** Keys in the order the schema gives them for the value's type (unknown keys last). */
const ORDERS = new Map(LogEntry.options.map((o) => [o.shape.type.value, Object.keys(o.shape)]));
function inSchemaOrder(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const object = value as Record<string, unknown>;
  const order = ORDERS.get(object.type as never) ?? ['seq', 't', 'at', 'type'];
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  const keys = Object.keys(object).sort((a, b) => rank(a) - rank(b));
  return Object.fromEntries(keys.map((key) => [key, object[key]]));
}

const action = (fields: string) =>
  `{"seq":2,"t":1000,"at":"2026-11-25T01:00:01.000Z","type":"action","role":"operator",${fields}}`;

describe('LogLineScanner', () => {
  it('reads every line the store writes but the start, to what zod returns, for every bundled scenario', async () => {
    for (const { name, lines } of await storedLogs()) {
      const read = expectAgrees(lines);
      // The start line nests the manual's and scenario's references: the slow path reads it.
      expect(read, name).to.equal(lines.length - 1);
    }
  });

  it('never reads what JSON.parse or zod refuses, and reads to what they return (property)', () => {
    let read = 0;
    let refusedInOrder = 0;
    fc.assert(
      fc.property(entryArbitrary, (value) => {
        // As generated (keys in any order), in the schema's order (as the store would write
        // it, valid or not), and as zod returns it.
        const lines = [JSON.stringify(value), JSON.stringify(inSchemaOrder(value))];
        const zod = zodText(value);
        if (zod) lines.push(zod);
        else refusedInOrder += 1;
        read += expectAgrees(lines);
      }),
      { numRuns: 5000 },
    );
    // The property means something only if both sides of it were exercised often.
    expect(read, 'lines the scanner read').to.be.greaterThan(1000);
    expect(refusedInOrder, 'refused entries in the schema order').to.be.greaterThan(500);
  });

  it('never reads a damaged line to anything but what JSON.parse and zod make of it (property)', async () => {
    const good = (await storedLogs()).flatMap(({ lines }) => lines.slice(1, 40));
    const damage = fc.record({
      line: fc.nat(good.length - 1),
      at: fc.nat(300),
      cut: fc.nat(3),
      put: fc.constantFrom(
        '',
        '"',
        '\\',
        ',',
        ':',
        '{',
        '}',
        '[',
        ']',
        '0',
        '1',
        '-',
        '.',
        'e',
        'a',
        ' ',
        '\t',
        'é',
        '\\"',
        '\\\\',
        '\\n',
        '\\u00e9',
        '\\x',
      ),
    });
    let changed = 0;
    fc.assert(
      fc.property(damage, ({ line, at, cut, put }) => {
        const text = good[line] as string;
        const where = at % (text.length + 1);
        const damaged = text.slice(0, where) + put + text.slice(where + cut);
        if (damaged !== text) changed += 1;
        // After the good lines, so that the damaged one meets pooled strings.
        expectAgrees([...good.slice(0, 20), damaged]);
      }),
      { numRuns: 3000 },
    );
    expect(changed).to.be.greaterThan(2500);
  });

  it('leaves to the slow path what only it reads right or refuses', () => {
    const lines = [
      action('"action":"report","fields":{}').replace('"seq":2', '"seq":02'),
      action('"action":"report","fields":{}').replace('"t":1000', '"t":1.5'),
      action('"action":"report","fields":{}').replace('"t":1000', '"t":1e3'),
      action('"action":"report","fields":{}').replace('"seq":2', '"seq":-2'),
      action('"action":"report","fields":{}').replace('"seq":2', '"seq":1234567890123456'),
      action('"action":"report","text":"a\tb","fields":{}'),
      action('"action":"report","text":"say \\"hi\\"","fields":{}'),
      action('"action":"report","fields":{"__proto__":"x"}'),
      action('"action":"report","action":"report","fields":{}'),
      action('"action":"report","fields":{},"extra":1'),
      action('"action":"report"'),
      action('"action": "report","fields":{}'),
      action('"action":"Report","fields":{}'),
      `${action('"action":"report","fields":{}')} `,
      '{"seq":3,"t":0,"type":"paused","reason":"real-incident"}',
      '{"seq":4,"t":0,"type":"ended","reason":"real-incident"}',
    ];
    const text = lines.map((line) => `${line}\n`).join('');
    const scanner = new LogLineScanner(text);
    let start = 0;
    const read = lines.map((line) => {
      const entry = scanner.scan(start, start + line.length);
      start += line.length + 1;
      return entry !== undefined;
    });
    // Only the escaped quote and the paused line are read: a reason pooled from the paused
    // line is not taken as an ended reason.
    expect(read).to.deep.equal(
      lines.map((line) => line.includes('"paused"') || line.includes('\\"')),
    );
    expect(scannedText(lines[6] as string)).to.equal(slowText(lines[6] as string));
    // Some of those it leaves are good entries for the slow path: a time as 1e3, a duplicate key.
    expect(JSON.parse(slowText(lines[2] as string) as string)).to.include({ t: 1000 });
    expect(slowText(lines[8] as string)).to.not.equal(undefined);
    expect(JSON.parse(scannedText(lines[6] as string) as string)).to.include({ text: 'say "hi"' });
  });

  it('gives the store the same entries as JSON.parse and zod, line by line, for every fixture log', async () => {
    const names = (await readdir(join(FIXTURES, 'logs'))).filter((n) => n.endsWith('.jsonl'));
    const logs = [
      ...(await Promise.all(
        names.map(async (n) =>
          (await readFile(join(FIXTURES, 'logs', n), 'utf8')).split('\n').filter(Boolean),
        ),
      )),
      ...(await storedLogs()).map(({ lines }) => lines),
    ];
    for (const lines of logs) {
      const valid = lines.filter((line) => slowText(line) !== undefined);
      const { entries } = parseLogBytes(
        'log.jsonl',
        Buffer.from(valid.map((l) => `${l}\n`).join('')),
      );
      expect(JSON.stringify(entries)).to.equal(`[${valid.map(slowText).join(',')}]`);
    }
  });
});

describe('LogLineScanner strings with escapes', () => {
  it('reads them as JSON.parse does, and refuses a bad escape', () => {
    const texts = [
      String.raw`ends with a backslash \\`,
      String.raw`a \\\" b`,
      String.raw`line\nbreak and \u00e9 and \t`,
      String.raw`\"quoted\"`,
    ];
    for (const text of texts) {
      const line = action(`"action":"report","text":"${text}","fields":{"k":"${text}"}`);
      expect(scannedText(line), line).to.equal(slowText(line));
      expect(scannedText(line), line).to.not.equal(undefined);
    }
    const bad = action(String.raw`"action":"report","text":"bad \x escape","fields":{}`);
    expect(scannedText(bad)).to.equal(undefined);
    expect(slowText(bad)).to.equal(undefined);
  });

  it('never takes the text of an escaped string for a pooled string of the same text', () => {
    // A person written `\\\"` (a backslash and a quote), then one written `\"` (a quote).
    const lines = [String.raw`\\\"`, String.raw`\"`, 'a'].map((person) =>
      action(`"person":"${person}","action":"report","fields":{}`),
    );
    expect(expectAgrees(lines)).to.equal(3);
  });

  it('gives every action without fields one frozen empty record', () => {
    const lines = [1, 2].map((n) => action(`"action":"report","text":"${n}","fields":{}`));
    const text = lines.map((line) => `${line}\n`).join('');
    const scanner = new LogLineScanner(text);
    const first = scanner.scan(0, (lines[0] as string).length);
    const second = scanner.scan((lines[0] as string).length + 1, text.length - 1);
    if (first?.type !== 'action' || second?.type !== 'action') throw new Error('not read');
    expect(first.fields).to.deep.equal({}).and.equal(second.fields);
    expect(() => {
      (first.fields as Record<string, string>).grade = '1';
    }).to.throw(TypeError);
  });

  it('reads lines in any order, a backslash in an earlier line and all (review)', () => {
    const lines = [
      String.raw`{"seq":1,"t":0,"type":"paused","by":"a\"}`,
      '{"seq":2,"t":0,"type":"resumed"}',
    ];
    const text = lines.map((line) => `${line}\n`).join('');
    const scanner = new LogLineScanner(text);
    const second = (lines[0] as string).length + 1;
    expect(scanner.scan(second, text.length - 1)).to.deep.include({ seq: 2 });
    // JSON.parse refuses the first line: its string never ends.
    expect(scanner.scan(0, second - 1)).to.equal(undefined);
    expect(slowText(lines[0] as string)).to.equal(undefined);
  });

  it('reads a long log with more strings than a pool keeps, each to what zod returns', () => {
    // A new wall time every third entry, 90 persons in turn, 3 roles: pools fill, replace their
    // oldest strings, and settle on looking at their last string only, or at all of them.
    const lines = Array.from({ length: 600 }, (_, i) => {
      const at = new Date(Date.UTC(2026, 10, 25, 1) + Math.floor(i / 3) * 1000).toISOString();
      const role = ['operator', 'communicator', 'control-tower'][i % 3];
      return `{"seq":${i + 1},"t":${i * 1000},"at":"${at}","type":"action","role":"${role}","person":"p-${i % 90}","action":"send-message","channel":"secondary-messenger","text":"update ${i}","fields":{}}`;
    });
    expect(expectAgrees(lines)).to.equal(600);
  });
});

describe('LogLineScanner runs of pooled strings', () => {
  const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'];
  /**
   * Actions by roles in turn that mostly repeat what followed their role last time (its person,
   * action and channel), and sometimes change one of them, leave one out, or put a key between.
   */
  const entry = (i: number) => {
    const role = ROLES[i % 4] as string;
    const value: Record<string, unknown> = {
      seq: i + 1,
      t: i * 10,
      at: new Date(Date.UTC(2026, 10, 25, 1) + i * 10).toISOString(),
      type: 'action',
      ...(i % 11 === 0 ? { id: `client-${i}` } : {}),
      role,
      ...(i % 13 === 5 ? {} : { person: i % 7 === 3 ? `stand-in-${role}` : `p-${role}` }),
      action: i % 9 === 4 ? 'acknowledge' : 'send-message',
      ...(i % 17 === 8 ? {} : { channel: i % 5 === 2 ? 'phone' : 'secondary-messenger' }),
      ...(i % 6 === 1 ? { to: ['operator'] } : {}),
      text: `update ${i}`,
      fields: i % 8 === 7 ? { note: 'x' } : {},
    };
    return zodText(value) as string;
  };

  it('reads each line to what zod returns, whether it repeats a run, changes it or breaks it', () => {
    const lines = Array.from({ length: 800 }, (_, i) => entry(i));
    expect(lines.every(Boolean)).to.equal(true);
    expect(expectAgrees(lines)).to.equal(800);
  });

  it('never reads a line damaged inside a learnt run to anything but what JSON.parse and zod make of it (property)', () => {
    const warm = Array.from({ length: 60 }, (_, i) => entry(i));
    let changed = 0;
    fc.assert(
      fc.property(
        fc.nat(59),
        fc.nat(120),
        fc.constantFrom('', '"', '\\', ',', ':', 'x', '-', ' ', 'é'),
        (which, at, put) => {
          const line = warm[which] as string;
          // Damage past the role, where a run of its person, action and channel lies.
          const from = line.indexOf('"role"');
          const where = from + (at % (line.length - from));
          const damaged = line.slice(0, where) + put + line.slice(where + 1);
          if (damaged !== line) changed += 1;
          expectAgrees([...warm, damaged, ...warm.slice(0, 8)]);
        },
      ),
      { numRuns: 1500 },
    );
    expect(changed).to.be.greaterThan(1200);
  });
});
