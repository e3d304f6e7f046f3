import { compareDrills } from '../../reports/comparison.js';
import {
  type Audience,
  buildDrillReport,
  type DebriefAnswer,
  type DrillReport,
  type ImprovementItem,
} from '../../reports/drill-report.js';
import { generateImprovements, mergeImprovements } from '../../reports/improvements.js';
import type { ScoredDrill } from '../../reports/trends.js';
import type { DrillLibrary } from '../../runtime/drill-library.js';
import type { DrillService } from '../../runtime/drill-service.js';
import { type StoredScore, scoreStored, storedCard } from '../../runtime/stored-score.js';
import type { CatalogueData, DrillRecord } from '../../store/catalogue-schema.js';
import type { CatalogueStore, EventLogStore } from '../../store/store.js';
import { notFound } from '../errors.js';

export interface ReportDataDeps {
  catalogue: CatalogueStore;
  logs: EventLogStore;
  library: DrillLibrary;
  service: DrillService;
}

/** Statuses after which a drill's verdicts no longer change. */
export const FINISHED = new Set(['ended', 'aborted', 'stopped']);

type Scored = StoredScore & { record: DrillRecord };
type Carded = Pick<Scored, 'record' | 'drill' | 'card'>;

/**
 * Reads what the pure report renderers need from the stores: a drill's log scored against its
 * manual and scenario, its improvement items with the facilitator's edits, the debrief answers
 * and the previous drill of the same scenario. The clock is read by the caller, not here.
 */
export class ReportData {
  constructor(private readonly deps: ReportDataDeps) {}

  /** The drill record, or 404. */
  record(id: string): DrillRecord {
    const record = this.deps.catalogue.read().drills.find((d) => d.id === id);
    if (!record) throw notFound(`no drill '${id}'`);
    return record;
  }

  /** Scores a stored drill; undefined when it has no log yet. */
  async score(record: DrillRecord): Promise<Scored | undefined> {
    return present(record, await scoreStored(this.deps, record));
  }

  /** A stored drill's scorecard without its log (from the cache when it holds); as score(). */
  async card(record: DrillRecord): Promise<Carded | undefined> {
    return present(record, await storedCard(this.deps, record));
  }

  /** The drill's improvement items: generated from the verdicts, with the stored edits over them. */
  improvements(scored: Carded): ImprovementItem[] {
    const edits = this.deps.catalogue
      .read()
      .improvements.filter((e) => e.drillId === scored.record.id);
    return mergeImprovements(generateImprovements(scored.drill, scored.card), edits);
  }

  /** The debrief answers given for a drill, with the person's name where the link has one. */
  debriefs(drillId: string): DebriefAnswer[] {
    const data = this.deps.catalogue.read();
    return data.debriefs
      .filter((d) => d.drillId === drillId)
      .map((d) => ({
        role: d.role,
        person: data.people.find((p) => p.id === d.personId)?.name,
        wentWell: d.wentWell,
        didNotGoWell: d.didNotGoWell,
        submittedAt: d.submittedAt,
      }))
      .sort((a, b) => a.role.localeCompare(b.role) || a.submittedAt.localeCompare(b.submittedAt));
  }

  /** The latest finished drill of the same scenario (and team) that started before this one. */
  previous(record: DrillRecord): DrillRecord | undefined {
    if (!record.startedAt) return undefined;
    return this.deps.catalogue
      .read()
      .drills.filter(
        (d) =>
          d.id !== record.id &&
          d.scenario.id === record.scenario.id &&
          d.teamId === record.teamId &&
          FINISHED.has(d.status) &&
          d.startedAt !== undefined &&
          d.startedAt < (record.startedAt ?? ''),
      )
      .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''))[0];
  }

  /** Everything the report of one drill shows, for `audience`, generated at `generatedAt`. */
  async report(id: string, audience: Audience, generatedAt: string): Promise<DrillReport> {
    const scored = await this.score(this.record(id));
    if (!scored) throw notFound('the drill has no log yet: it has not started');
    const { record, card } = scored;
    const prevRecord = this.previous(record);
    const prev = prevRecord && (await this.card(prevRecord));
    const data = this.deps.catalogue.read();
    return buildDrillReport({
      drill: scored.drill,
      card,
      log: scored.log,
      generatedAt,
      audience,
      meta: metaOf(record, data),
      improvements: this.improvements(scored),
      debriefs: this.debriefs(record.id),
      comparison: prev
        ? compareDrills(card, {
            id: prev.record.id,
            title: prev.record.title,
            startedAt: prev.record.startedAt,
            card: prev.card,
          })
        : undefined,
    });
  }

  /** Every finished drill with its scorecard, oldest first, for trends and readiness. */
  async finished(): Promise<ScoredDrill[]> {
    const data = this.deps.catalogue.read();
    const records = data.drills
      .filter((d) => FINISHED.has(d.status) && d.startedAt)
      .sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? ''));
    const out: ScoredDrill[] = [];
    for (const record of records) {
      const scored = await this.card(record).catch(() => undefined);
      if (!scored) continue;
      out.push({
        id: record.id,
        title: record.title,
        teamId: record.teamId,
        scenario: record.scenario.id,
        manual: { id: record.manual.id, version: record.manual.version },
        startedAt: record.startedAt ?? '',
        card: scored.card,
        improvements: this.improvements(scored),
      });
    }
    return out;
  }
}

/** The scored drill with its record; undefined without a log; 404 without its scenario. */
function present<T extends object>(
  record: DrillRecord,
  scored: T | { missing: 'scenario' | 'log' },
): (T & { record: DrillRecord }) | undefined {
  if (!('missing' in scored)) return { record, ...scored };
  if (scored.missing === 'scenario')
    throw notFound(`scenario '${record.scenario.id}' is not in the library`);
  return undefined;
}

/** The catalogue's facts about a drill, as the report shows them. */
export function metaOf(record: DrillRecord, data: Readonly<CatalogueData>) {
  return {
    id: record.id,
    title: record.title,
    team: data.teams.find((t) => t.id === record.teamId)?.name,
    mode: record.mode,
    status: record.status,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
  };
}
