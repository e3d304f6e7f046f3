import { type Request, type Response, Router } from 'express';
import { fold } from '../../domain/engine/reduce.js';
import type { DrillLibrary } from '../../runtime/drill-library.js';
import type { DrillService } from '../../runtime/drill-service.js';
import type { DrillRecord } from '../../store/catalogue-schema.js';
import type { CatalogueStore, EventLogStore } from '../../store/store.js';
import type { Caller } from '../auth/middleware.js';
import { drillRows } from './drill-rows.js';
import { accountOf, staffPage } from './guards.js';
import { renderError, renderPage } from './render.js';
import { drillDefinition, scenarioPreview } from './scenario-preview.js';

export interface StaffPageDeps {
  catalogue: CatalogueStore;
  logs: EventLogStore;
  library: DrillLibrary;
  service: DrillService;
  connected(drillId: string): unknown[];
}

/** A scheduled surprise drill's drawn moment is for facilitators only (docs/security.md). */
function secretKept(record: DrillRecord, role: string): DrillRecord {
  if (record.mode !== 'surprise' || record.status !== 'scheduled' || role === 'facilitator')
    return record;
  const { dueAt: _secret, ...rest } = record;
  return rest;
}

/** Only a local path: `next=` must not send anyone to another site after signing in. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : '/drills';
}

/**
 * The staff pages: sign-in, the drills overview, scheduling a drill, and the live console (which
 * is also the evaluator's). Each page is drawn on the server and made live by its module in
 * public/js; everything it does goes through the JSON API.
 */
export function staffPages(deps: StaffPageDeps): Router {
  const router = Router();
  const staff = staffPage('facilitator', 'evaluator', 'viewer');
  const evaluators = staffPage('facilitator', 'evaluator');
  const facilitators = staffPage('facilitator');

  const signIn = (req: Request, res: Response) => {
    const caller = res.locals.caller as Caller | undefined;
    renderPage(res, 'login', {
      data: { next: safeNext(req.query.next) },
      locals: { signedIn: caller?.account.username },
    });
  };
  const overview = async (_req: Request, res: Response) => {
    const role = accountOf(res).role;
    const rows = await drillRows(deps.catalogue.read().drills, deps, role);
    renderPage(res, 'drills', { locals: { rows } });
  };

  // The front door: the overview for staff, the sign-in page for anyone else.
  router.get('/', (req, res) => (res.locals.caller ? overview(req, res) : signIn(req, res)));
  router.get('/login', signIn);
  router.get('/drills', staff, overview);

  router.get('/drills/new', facilitators, (_req, res) => {
    const data = deps.catalogue.read();
    const scenarios = [...deps.library.scenarios.keys()]
      .map((id) => deps.library.resolve(id))
      .filter((r) => r !== undefined)
      .map(scenarioPreview);
    renderPage(res, 'new-drill', {
      locals: { scenarios, teams: data.teams },
      data: {
        scenarios,
        teams: data.teams.map(({ id, name, timeZone, members }) => ({
          id,
          name,
          timeZone,
          members,
        })),
        people: data.people.map(({ id, name }) => ({ id, name })),
      },
    });
  });

  router.get('/drills/:id', evaluators, async (req, res) => {
    const record = deps.catalogue.read().drills.find((d) => d.id === req.params.id);
    if (!record) return renderError(res, 404, 'noSuchDrill', { id: String(req.params.id) });
    const resolved = deps.library.resolveRecord(record);
    if (!resolved) return renderError(res, 404, 'scenarioGone', { scenario: record.scenario.id });
    const runner = deps.service.runner(record.id);
    const state = runner?.state ?? fold(resolved.drill, (await deps.logs.read(record.id)).entries);
    const people = new Map(deps.catalogue.read().people.map((p) => [p.id, p.name]));
    renderPage(res, 'console', {
      locals: { drill: secretKept(record, accountOf(res).role), live: Boolean(runner) },
      data: {
        drill: {
          id: record.id,
          title: record.title,
          status: record.status,
          mode: record.mode,
          timeScale: record.timeScale,
          startedAt: record.startedAt,
        },
        live: runner ? { t: runner.clock.now(), seq: runner.state.seq } : undefined,
        role: accountOf(res).role,
        definition: drillDefinition(resolved),
        state: {
          t: state.t,
          status: state.status,
          channels: state.channels,
          services: state.services,
          alerts: state.alerts,
          grade: state.grade,
        },
        assignments: record.assignments.map((a) => ({
          role: a.role,
          person: a.personId,
          name: a.personId ? people.get(a.personId) : undefined,
          bot: a.bot,
        })),
        socket: runner ? `/ws?drill=${encodeURIComponent(record.id)}` : undefined,
      },
    });
  });
  return router;
}
