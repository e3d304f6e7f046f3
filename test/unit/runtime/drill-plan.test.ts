import { join } from 'node:path';
import { expect } from 'chai';
import { DrillLibrary, type ResolvedDrill } from '../../../server/runtime/drill-library.js';
import { type DrillRequest, planDrill } from '../../../server/runtime/drill-plan.js';
import { DrillInputError } from '../../../server/runtime/drill-runner.js';
import { seededRandom } from '../../../server/runtime/random.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const NOW = Date.UTC(2026, 11, 1, 1, 0, 0);
const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'];

describe('planning a drill record from a request', () => {
  let resolved: ResolvedDrill;
  before(async () => {
    const library = await DrillLibrary.load([join(ROOT, 'drills')]);
    const found = library.resolve('kakao-pangyo-fire');
    if (!found) throw new Error('no Pangyo-fire scenario');
    resolved = found;
  });
  const plan = (request: Partial<DrillRequest>, seed = 1) =>
    planDrill(
      {
        scenario: 'kakao-pangyo-fire',
        mode: 'now',
        assignments: ROLES.map((role) => ({ role })),
        ...request,
      },
      { id: 'd1', resolved, people: new Set(['p1']), now: NOW, random: seededRandom(seed) },
    );
  const refusal = (request: Partial<DrillRequest>) => {
    try {
      plan(request);
    } catch (error) {
      if (error instanceof DrillInputError) return `${error.code}: ${error.message}`;
      throw error;
    }
    throw new Error('planned');
  };

  it('pins the manual and scenario versions by hash, and makes every unstaffed role a bot', () => {
    const record = plan({
      assignments: [{ role: 'operator', personId: 'p1' }, { role: 'communicator' }],
    });
    expect(record).to.deep.include({
      id: 'd1',
      status: 'scheduled',
      dueAt: new Date(NOW).toISOString(),
      title: resolved.scenario.value.title,
      timeScale: 1,
      lateStartMinutes: 15,
    });
    expect(record.manual.hash).to.equal(resolved.manual.hash);
    expect(record.scenario.hash).to.equal(resolved.scenario.hash);
    expect(record.assignments).to.deep.equal([
      { role: 'operator', personId: 'p1', bot: false },
      { role: 'communicator', personId: undefined, bot: true },
    ]);
  });

  it('draws a surprise moment inside the window, the same one for the same random source', () => {
    const window = {
      from: new Date(NOW + 3_600_000).toISOString(),
      to: new Date(NOW + 7 * 86_400_000).toISOString(),
    };
    const a = plan({ mode: 'surprise', window }, 7);
    const b = plan({ mode: 'surprise', window }, 7);
    expect(a.dueAt).to.equal(b.dueAt);
    expect(Date.parse(a.dueAt ?? '')).to.be.within(Date.parse(window.from), Date.parse(window.to));
  });

  it('refuses what it cannot plan, naming the field', () => {
    expect(refusal({ assignments: [{ role: 'janitor' }] })).to.equal(
      "unknown-role: assignments[0].role: unknown role 'janitor'",
    );
    expect(refusal({ assignments: [{ role: 'operator', personId: 'nobody' }] })).to.equal(
      "unknown-person: assignments[0].personId: unknown person 'nobody'",
    );
    expect(refusal({ mode: 'at', at: 'tomorrow' })).to.match(/^bad-time: at: /);
    expect(
      refusal({ mode: 'surprise', window: { from: '2026-12-02', to: '2026-12-01' } }),
    ).to.match(/^bad-window: window: /);
  });
});
