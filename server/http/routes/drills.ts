import { Router } from 'express';
import { z } from 'zod';
import { Id as ManualId } from '../../domain/schema/common.js';
import { Verdict } from '../../domain/schema/log.js';
import { withoutPersons } from '../../domain/scoring/redact.js';
import { formatLog } from '../../load/log-file.js';
import type { DrillLibrary } from '../../runtime/drill-library.js';
import type { DrillService } from '../../runtime/drill-service.js';
import { storedCard } from '../../runtime/stored-score.js';
import { AllowedHours, type DrillRecord } from '../../store/catalogue-schema.js';
import type { CatalogueStore, EventLogStore } from '../../store/store.js';
import { callerOf, requireRole } from '../auth/middleware.js';
import { notFound } from '../errors.js';

const Id = z.string().min(1).max(100);
/** What a manual names (a role, action, channel, step, rule): as the log stores it. */
const Name = ManualId.max(100);
/** The routes that act on a drill take no body; anything sent is a mistake, refused. */
const NoBody = z.strictObject({});

export const DrillRequestBody = z.strictObject({
  title: z.string().min(1).max(200).optional(),
  scenario: Id,
  mode: z.enum(['at', 'now', 'surprise']),
  at: z.iso.datetime({ offset: true }).optional(),
  window: z
    .strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
    .optional(),
  allowedHours: AllowedHours.optional(),
  blackoutDates: z.array(z.iso.date()).max(366).optional(),
  lateStartMinutes: z
    .number()
    .min(0)
    .max(24 * 60)
    .optional(),
  timeScale: z.number().min(0.1).max(1000).optional(),
  teamId: Id.optional(),
  assignments: z
    .array(z.strictObject({ role: Id, personId: Id.optional(), bot: z.boolean().optional() }))
    .min(1)
    .max(500),
});

const Inject = z.strictObject({
  to: z.array(Name).min(1),
  title: z.string().min(1).max(200),
  text: z.string().min(1).max(4000),
});

const OffPlatform = z.strictObject({
  role: Name,
  person: Id.optional(),
  action: Name,
  channel: Name.optional(),
  to: z.array(Name).max(20).optional(),
  text: z.string().max(4000).optional(),
  fields: z.record(Id, z.string().max(1000)).optional(),
  ref: z.number().int().min(1).optional(),
  /** Drill time it happened, in ms since the start. */
  t: z.number().int().min(0),
  medium: z.string().min(1).max(100),
});

const Override = z.strictObject({
  reason: z.string().min(1).max(2000),
  target: z.union([
    z.strictObject({
      step: Name,
      occurrence: z.number().int().min(1).optional(),
      verdict: Verdict,
    }),
    z.strictObject({ rule: Name, violation: z.number().int().min(1), verdict: z.literal('kept') }),
  ]),
});

const Stop = z.strictObject({ reason: z.string().max(500).optional() });

export interface DrillRouteDeps {
  catalogue: CatalogueStore;
  logs: EventLogStore;
  library: DrillLibrary;
  service: DrillService;
  connected(drillId: string): unknown[];
}

/** A drill as staff see it; the drawn moment of a surprise drill only for facilitators. */
function staffView(record: DrillRecord, role: string) {
  if (record.mode === 'surprise' && role !== 'facilitator' && record.status === 'scheduled') {
    const { dueAt: _secret, ...rest } = record;
    return rest;
  }
  return record;
}

/** Scheduling, controlling and scoring drills (the facilitator's and evaluator's API). */
export function drillRoutes(deps: DrillRouteDeps): Router {
  const router = Router();
  const staff = requireRole('facilitator', 'evaluator', 'viewer');
  const evaluators = requireRole('facilitator', 'evaluator');
  const facilitators = requireRole('facilitator');
  const find = (id: string) => {
    const record = deps.catalogue.read().drills.find((d) => d.id === id);
    if (!record) throw notFound(`no drill '${id}'`);
    return record;
  };

  router.get('/drills', staff, (_req, res) => {
    const role = callerOf(res).account.role;
    res.json({ drills: deps.catalogue.read().drills.map((d) => staffView(d, role)) });
  });

  router.post('/drills', facilitators, async (req, res) => {
    const body = DrillRequestBody.parse(req.body);
    const created = await deps.service.create(body, callerOf(res).account.username);
    res.status(201).json(created);
  });

  router.get('/drills/:id', staff, (req, res) => {
    const record = find(req.params.id as string);
    const runner = deps.service.runner(record.id);
    const role = callerOf(res).account.role;
    // A viewer reads reports; watching a drill live is for facilitators and evaluators.
    res.json({
      drill: staffView(record, role),
      live:
        runner && role !== 'viewer'
          ? {
              seq: runner.state.seq,
              t: runner.clock.now(),
              status: runner.state.status,
              connected: deps.connected(record.id),
            }
          : undefined,
      // Revoking is the facilitator's: the link ids to revoke by, never the tokens.
      links:
        role === 'facilitator'
          ? deps.catalogue
              .read()
              .joinLinks.filter((l) => l.drillId === record.id)
              .map((l) => ({
                id: l.id,
                role: l.role,
                personId: l.personId,
                createdAt: l.createdAt,
                revokedAt: l.revokedAt,
              }))
          : undefined,
    });
  });

  router.post('/drills/:id/start', facilitators, async (req, res) => {
    NoBody.parse(req.body ?? {});
    const runner = await deps.service.start(find(req.params.id as string).id);
    res.json({ started: true, seq: runner.state.seq });
  });

  const control = (op: 'pause' | 'resume' | 'end' | 'abort' | 'stop') =>
    router.post(
      `/drills/:id/${op}`,
      op === 'stop' ? evaluators : facilitators,
      async (req, res) => {
        const id = find(req.params.id as string).id;
        const by = callerOf(res).account.username;
        const body = (op === 'stop' ? Stop : NoBody).parse(req.body ?? {});
        if (op === 'pause') await deps.service.pause(id, by);
        else if (op === 'resume') await deps.service.resume(id, by);
        else if (op === 'end') await deps.service.end(id, 'facilitator', by);
        else if (op === 'abort') await deps.service.end(id, 'aborted', by);
        else await deps.service.stop(id, by, 'reason' in body ? body.reason : undefined);
        res.json({ drill: find(id) });
      },
    );
  for (const op of ['pause', 'resume', 'end', 'abort', 'stop'] as const) control(op);

  router.post('/drills/:id/inject', facilitators, async (req, res) => {
    const entry = await deps.service
      .live(find(req.params.id as string).id)
      .injectAdHoc(Inject.parse(req.body), callerOf(res).account.username);
    res.status(201).json({ seq: entry.seq });
  });

  router.post('/drills/:id/archive', facilitators, async (req, res) => {
    NoBody.parse(req.body ?? {});
    await deps.service.archive(find(req.params.id as string).id);
    res.json({ drill: find(req.params.id as string) });
  });

  router.post('/drills/:id/links/:linkId/revoke', facilitators, async (req, res) => {
    NoBody.parse(req.body ?? {});
    await deps.service.revokeLink(find(req.params.id as string).id, req.params.linkId as string);
    res.json({ revoked: true });
  });

  router.get('/drills/:id/scorecard', staff, async (req, res) => {
    const record = find(req.params.id as string);
    const scored = await storedCard(deps, record);
    if ('missing' in scored)
      throw notFound(
        scored.missing === 'log'
          ? 'the drill has no log yet'
          : `scenario '${record.scenario.id}' is not in the library`,
      );
    const { card } = scored;
    // Per-person scores are for facilitators and evaluators only.
    const role = callerOf(res).account.role;
    res.json(role === 'viewer' ? withoutPersons(card) : card);
  });

  router.get('/drills/:id/log', evaluators, async (req, res) => {
    const { entries } = await deps.logs.read(find(req.params.id as string).id);
    res.type('application/x-ndjson').send(formatLog(entries));
  });

  router.post('/drills/:id/notes', evaluators, async (req, res) => {
    const { text } = z.strictObject({ text: z.string().min(1).max(4000) }).parse(req.body);
    const entry = await deps.service.annotate(find(req.params.id as string).id, {
      type: 'note',
      by: callerOf(res).account.username,
      text,
    });
    res.status(201).json({ seq: entry.seq });
  });

  router.post('/drills/:id/off-platform', evaluators, async (req, res) => {
    const body = OffPlatform.parse(req.body);
    const entry = await deps.service.annotate(find(req.params.id as string).id, {
      type: 'action',
      ...body,
      fields: body.fields ?? {},
      recordedBy: callerOf(res).account.username,
    });
    res.status(201).json({ seq: entry.seq, t: entry.t });
  });

  router.post('/drills/:id/overrides', evaluators, async (req, res) => {
    const body = Override.parse(req.body);
    const entry = await deps.service.annotate(find(req.params.id as string).id, {
      type: 'override',
      by: callerOf(res).account.username,
      ...body,
    });
    res.status(201).json({ seq: entry.seq });
  });
  return router;
}
