import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { z } from 'zod';
import { LogEntry } from '../../../server/domain/schema/log.js';
import { fastLogEntry, narrowedSchema } from '../../../server/load/fast-log-entry.js';
import { parseLog } from '../../../server/load/log-file.js';
import { parseLogBytes } from '../../../server/store/event-log-file.js';
import { FIXTURES } from '../../helpers/drills.js';
import { entryArbitrary, storedLogs, zodText } from '../../helpers/log-entries.js';

/** Asserts that where the fast path takes a value, zod takes it too and returns the same. */
function expectAgrees(value: unknown): boolean {
  const before = JSON.stringify(value);
  const fast = fastLogEntry(value);
  expect(JSON.stringify(value), 'the fast path leaves its input alone').to.equal(before);
  if (fast === undefined) return false;
  const result = LogEntry.safeParse(value);
  expect(result.success, `zod refuses what the fast path took: ${before}`).to.equal(true);
  expect(JSON.stringify(fast), before).to.equal(JSON.stringify(result.data));
  expect(fast, before).to.deep.equal(result.data);
  return true;
}

describe('fastLogEntry()', () => {
  it('never takes what zod refuses, and returns what zod returns, keys in its order (property)', () => {
    let taken = 0;
    let valid = 0;
    fc.assert(
      fc.property(entryArbitrary, (value) => {
        if (expectAgrees(value)) taken += 1;
        if (zodText(value) !== undefined) valid += 1;
      }),
      { numRuns: 5000 },
    );
    // The property means something only if both sides of it were exercised often.
    expect(valid, 'entries zod accepts').to.be.greaterThan(500);
    expect(taken, 'entries the fast path took').to.be.greaterThan(300);
    expect(5000 - valid, 'entries zod refuses').to.be.greaterThan(500);
  });

  it('takes every line the store writes, as it is, for every bundled scenario', async () => {
    for (const { name, lines } of await storedLogs()) {
      expect(lines.length, name).to.be.greaterThan(20);
      for (const line of lines) {
        const value = JSON.parse(line);
        expect(expectAgrees(value), `${name}: ${line}`).to.equal(true);
        expect(fastLogEntry(value), 'no copy for a line in the order the store writes').to.equal(
          value,
        );
      }
    }
  });

  it('agrees with zod on every line of every fixture log', async () => {
    const names = (await readdir(join(FIXTURES, 'logs'))).filter((n) => n.endsWith('.jsonl'));
    expect(names.length).to.be.greaterThan(2);
    for (const name of names) {
      const text = await readFile(join(FIXTURES, 'logs', name), 'utf8');
      for (const line of text.split('\n').filter(Boolean)) expectAgrees(JSON.parse(line));
      // The whole reader: the same entries as zod alone gives, line by line.
      const { entries } = parseLog(name, text);
      const reference = text
        .split('\n')
        .filter(Boolean)
        .flatMap((line) => {
          const result = LogEntry.safeParse(JSON.parse(line));
          return result.success ? [result.data] : [];
        });
      expect(JSON.stringify(entries), name).to.equal(JSON.stringify(reference));
    }
  });

  it('leaves hand-written times and numeric versions to zod, which converts them', () => {
    const started = {
      seq: 1,
      t: '00:00:00',
      type: 'drill-started',
      manual: { id: 'kakao', version: 2 },
      scenario: { id: 'kakao-pangyo-fire', version: '1.0.0' },
    };
    expect(fastLogEntry(started)).to.equal(undefined);
    expect(fastLogEntry({ ...started, t: 0 })).to.equal(undefined);
    const action = { seq: 2, t: '1m30s', type: 'action', role: 'operator', action: 'report' };
    expect(fastLogEntry(action)).to.equal(undefined);
    expect(LogEntry.parse(action)).to.include({ t: 90_000 });
    const text = `${JSON.stringify(started)}\n${JSON.stringify(action)}\n`;
    const { entries } = parseLogBytes('hand.jsonl', Buffer.from(text));
    expect(entries.map((e) => e.t)).to.deep.equal([0, 90_000]);
    expect(entries[0]?.type === 'drill-started' && entries[0].manual.version).to.equal('2');
  });

  it('fills in the defaults zod fills in, a fresh object each time', () => {
    const action = { seq: 2, t: 0, type: 'action', role: 'operator', action: 'report' };
    const a = fastLogEntry({ ...action });
    const b = fastLogEntry({ ...action });
    expect(a).to.deep.equal(LogEntry.parse(action));
    expect(a?.type === 'action' && a.fields).to.deep.equal({});
    expect(a?.type === 'action' && b?.type === 'action' && a.fields !== b.fields).to.equal(true);
    const started = fastLogEntry({
      seq: 1,
      t: 0,
      type: 'drill-started',
      manual: { id: 'kakao', version: '2' },
      scenario: { id: 'kakao-pangyo-fire', version: '1.0.0' },
    });
    expect(started?.type === 'drill-started' && started.participants).to.deep.equal([]);
  });

  it('refuses a line that zod refuses, so the store reports it as before', () => {
    const good = { seq: 1, t: 0, type: 'note', by: 'kim', text: 'hot wash' };
    for (const bad of [
      { ...good, text: '' },
      { ...good, extra: 1 },
      { ...good, t: -1 },
      { ...good, seq: 1.5 },
      { ...good, type: 'notes' },
      JSON.parse('{"seq":1,"t":0,"type":"note","by":"kim","text":"x","__proto__":{"a":1}}'),
      null,
      [good],
      'note',
    ]) {
      expect(fastLogEntry(bad), JSON.stringify(bad)).to.equal(undefined);
      expect(zodText(bad)).to.equal(undefined);
    }
    const text = `${JSON.stringify(good)}\n${JSON.stringify({ ...good, seq: 2, text: '' })}\n{}\n`;
    expect(() => parseLogBytes('bad.jsonl', Buffer.from(text))).to.throw(
      /bad\.jsonl.*line 2 is not a log entry \(text: must not be empty\)/,
    );
  });

  it('refuses to compile a schema with a check JSON Schema cannot say (review)', () => {
    const refined = z.strictObject({
      seq: z.number().int().min(1),
      t: z.number().int(),
      role: z.string().refine((role) => role !== 'nobody'),
    });
    expect(() => narrowedSchema(refined)).to.throw(/cannot say \(custom\)/);
    expect(() => narrowedSchema(refined.extend({ role: z.string().trim() }))).to.throw(/overwrite/);
    expect(narrowedSchema()).to.have.property('oneOf');
  });
});
