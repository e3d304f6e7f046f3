import fc from 'fast-check';
import { LogEntry } from '../../server/domain/schema/log.js';
import { simulate } from '../../server/runtime/simulate.js';
import { encodeEntries } from '../../server/store/event-log-file.js';
import { bundledLibrary, drillOf } from './drills.js';

// Log entries for the readers' property tests: what the store writes, and values that are
// mostly valid entries, some with a key missing, foreign, out of order or of a wrong value.

/** What zod makes of a value, as JSON text (so that key order counts), or undefined if refused. */
export function zodText(value: unknown): string | undefined {
  const result = LogEntry.safeParse(value);
  return result.success ? JSON.stringify(result.data) : undefined;
}

const SCENARIOS = [
  'kakao-pangyo-fire',
  'kakao-new-year-peak',
  'kakao-viral-surge',
  'pagerduty-db-failover',
];

/** Simulated logs of every bundled scenario, as the store writes them. */
export async function storedLogs(): Promise<{ name: string; lines: string[] }[]> {
  const logs = [];
  for (const id of SCENARIOS) {
    const drill = await drillOf(bundledLibrary(), id);
    for (const seed of [1, 2]) {
      const text = encodeEntries(id, simulate(drill, { seed }));
      logs.push({ name: `${id} seed ${seed}`, lines: text.split('\n').filter(Boolean) });
    }
  }
  return logs;
}

// Values for each key of a log entry: mostly valid ones, some that zod refuses or transforms.
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: bad, weight: 1 });
const id = mostly(
  fc.constantFrom('operator', 'control-tower', 'a-1'),
  fc.constantFrom('Bad Id', '', '-x', 'ü'),
);
const text = mostly(fc.constantFrom('Pangyo DC is down', 'x', '한국어 ✓'), fc.constantFrom('', 7));
const word = (good: unknown, bad: unknown) => mostly(fc.constant(good), fc.constant(bad));
const fileRef = mostly(
  fc.record(
    {
      id,
      version: mostly(fc.constantFrom('1.0.0', '2026-11', ''), fc.constantFrom(2, 2.5, null)),
      hash: text,
    },
    { requiredKeys: ['id', 'version'] },
  ),
  fc.constantFrom(null, 'kakao', [], { id: 'kakao' }),
);
const VALUES: Record<string, fc.Arbitrary<unknown>> = {
  seq: mostly(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom(0, -1, 1.5, '3', null)),
  t: mostly(fc.nat(), fc.constantFrom(-5, 2.5, 2 ** 53, '00:05:00', '5m', '90s', 'soon', '', null)),
  at: word('2026-11-25T01:00:00.000Z', 5),
  drill: word('drill-1', 3),
  manual: fileRef,
  scenario: fileRef,
  seed: mostly(fc.constantFrom(1, 'seed', 1.5), fc.constant(true)),
  participants: mostly(
    fc.array(
      fc.record(
        { person: text, role: id, name: text, bot: word(true, 'yes') },
        { requiredKeys: ['person', 'role'] },
      ),
      { maxLength: 3 },
    ),
    fc.constantFrom(null, {}),
  ),
  inject: id,
  adHoc: mostly(
    fc.record({ to: fc.array(id, { minLength: 1, maxLength: 2 }), title: text, text }),
    fc.record({ to: fc.constant([]), title: text, text }, { requiredKeys: [] }),
  ),
  id: word('client-1', 7),
  role: id,
  person: mostly(fc.constantFrom('kim-minjun', ''), fc.constant(7)),
  action: id,
  channel: id,
  to: mostly(fc.array(id, { maxLength: 3 }), fc.constant('operator')),
  text,
  fields: mostly(
    fc.dictionary(fc.constantFrom('grade', 'owner', 'deadline', 'Odd Key', ''), text, {
      maxKeys: 3,
    }),
    fc.constantFrom(null, [], 'grade'),
  ),
  ref: mostly(fc.constantFrom(1, 12), fc.constantFrom(0, 2.5, '1')),
  recordedBy: word('evaluator', 1),
  medium: word('phone call', false),
  state: mostly(fc.constantFrom('up', 'down'), fc.constant('sideways')),
  by: word('kim-minjun', 1),
  reason: mostly(
    fc.constantFrom('end-condition', 'aborted', 'real-incident', 'Because.'),
    fc.constant(''),
  ),
  target: fc.oneof(
    fc.record(
      {
        step: id,
        occurrence: mostly(fc.constant(1), fc.constantFrom(0, 2.5)),
        verdict: mostly(fc.constant('late'), fc.constantFrom('kept', 'maybe')),
      },
      { requiredKeys: ['step', 'verdict'] },
    ),
    fc.record(
      {
        rule: id,
        violation: mostly(fc.constant(1), fc.constant(0)),
        verdict: mostly(fc.constant('kept'), fc.constant('late')),
        step: id,
      },
      { requiredKeys: ['rule', 'violation', 'verdict'] },
    ),
  ),
  extra: fc.constant(1),
};

/** The keys zod's schema knows for each entry type, and which of them it requires. */
const SHAPES = LogEntry.options.map((option) => {
  const shape = option.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
  const type = (option.shape.type as unknown as { value: string }).value;
  const keys = Object.keys(shape).filter((key) => key !== 'type');
  return { type, keys, required: keys.filter((key) => !shape[key]?.safeParse(undefined).success) };
});

/** Entries of every type, mostly valid, some with a key missing, foreign or of a wrong value. */
export const entryArbitrary = fc
  .constantFrom(...SHAPES, { type: 'bogus', keys: ['seq', 't'], required: ['seq', 't'] })
  .chain(({ type, keys, required }) =>
    fc
      .record({
        values: fc.tuple(
          ...keys.map((key) =>
            fc.option(VALUES[key] as fc.Arbitrary<unknown>, {
              nil: undefined,
              freq: required.includes(key) ? 30 : 2,
            }),
          ),
        ),
        // Now and then a key the entry's type does not have.
        foreign: mostly(
          fc.constant(undefined),
          fc.oneof(
            ...['extra', 'channel', 'participants', 'target'].map((key) =>
              fc.tuple(fc.constant(key), VALUES[key] as fc.Arbitrary<unknown>),
            ),
          ),
        ),
        dropType: fc.nat(19).map((n) => n === 0),
        order: fc.array(fc.double({ noNaN: true }), { minLength: keys.length + 2 }),
      })
      .map(({ values, foreign, dropType, order }) => {
        const pairs: [string, unknown][] = keys.flatMap((key, i) =>
          values[i] === undefined ? [] : [[key, values[i]] as [string, unknown]],
        );
        if (!dropType) pairs.push(['type', type]);
        if (foreign && !keys.includes(foreign[0])) pairs.push(foreign);
        const ranked = pairs.map((pair, i) => ({ pair, rank: order[i] ?? i }));
        ranked.sort((a, b) => a.rank - b.rank);
        // Through JSON text, as a log line is read.
        return JSON.parse(JSON.stringify(Object.fromEntries(ranked.map((r) => r.pair))));
      }),
  );
