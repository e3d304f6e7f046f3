import { type Response, Router } from 'express';
import { z } from 'zod';
import { IMPROVEMENT_STATUSES } from '../../reports/drill-report.js';
import { isReportFormat, REPORT_MEDIA_TYPES, renderReport } from '../../reports/render.js';
import type { WallClock } from '../../runtime/clock.js';
import { callerOf, requireRole } from '../auth/middleware.js';
import { HttpError, notFound } from '../errors.js';
import { staffPage } from '../pages/guards.js';
import { renderError } from '../pages/render.js';
import { ReportData, type ReportDataDeps } from './reports-data.js';
import { debriefRoutes } from './reports-debrief.js';
import { insightRoutes } from './reports-insights.js';

export interface ReportRouteDeps extends ReportDataDeps {
  wall: WallClock;
  baseUrl: string;
}

const Text = z.string().max(2000);
const ItemFields = {
  observation: Text.min(1).optional(),
  recommendation: Text.optional(),
  owner: z.string().max(200).optional(),
  dueDate: z.iso.date().optional(),
  status: z.enum(IMPROVEMENT_STATUSES).optional(),
};
const ItemEdit = z.strictObject(ItemFields);
const NewItem = z.strictObject({
  ...ItemFields,
  observation: Text.min(1),
  concerns: z
    .strictObject({
      kind: z.enum(['step', 'rule', 'grade', 'other']),
      id: z.string().max(100),
      title: z.string().max(200).default(''),
    })
    .default({ kind: 'other', id: '', title: '' }),
});

/** The audience a staff caller gets: viewers get reports without persons. */
const audienceOf = (res: Response) =>
  callerOf(res).account.role === 'viewer' ? ('viewer' as const) : ('staff' as const);

/**
 * Drill reports (every format), the staff report page, improvement items, and the routes in
 * reports-insights.ts (trends, readiness, calendar) and reports-debrief.ts (participants'
 * debrief). Mounted at the root: its paths start with /api or /drills.
 */
export function reportRoutes(deps: ReportRouteDeps): Router {
  const router = Router();
  const data = new ReportData(deps);
  const staff = requireRole('facilitator', 'evaluator', 'viewer');
  const facilitators = requireRole('facilitator');
  const now = () => new Date(deps.wall.now()).toISOString();

  router.get('/api/drills/:id/report', staff, async (req, res) => {
    const format = req.query.format ?? 'json';
    if (!isReportFormat(format))
      throw new HttpError(400, 'bad-request', 'format: must be one of html, json, csv, md');
    const report = await data.report(req.params.id as string, audienceOf(res), now());
    res.type(REPORT_MEDIA_TYPES[format]).send(renderReport(report, format));
  });

  router.get(
    '/drills/:id/report',
    staffPage('facilitator', 'evaluator', 'viewer'),
    async (req, res) => {
      // A page answers a missing drill or report with the site's error page, not JSON.
      const report = await data
        .report(req.params.id as string, audienceOf(res), now())
        .catch((error: unknown) => {
          if (!(error instanceof HttpError)) throw error;
          renderError(res, error.status, error.message);
        });
      if (report) res.type(REPORT_MEDIA_TYPES.html).send(renderReport(report, 'html'));
    },
  );

  router.get('/api/drills/:id/improvements', staff, async (req, res) => {
    const scored = await data.card(data.record(req.params.id as string));
    const items = scored ? data.improvements(scored) : [];
    const viewer = audienceOf(res) === 'viewer';
    res.json({ improvements: items.map((i) => (viewer ? { ...i, owner: undefined } : i)) });
  });

  router.post('/api/drills/:id/improvements', facilitators, async (req, res) => {
    const record = data.record(req.params.id as string);
    const body = NewItem.parse(req.body);
    const id = `custom:${crypto.randomUUID()}`;
    await deps.catalogue.update((d) => {
      d.improvements.push({
        ...body,
        id,
        drillId: record.id,
        status: body.status ?? 'open',
        updatedAt: now(),
        updatedBy: callerOf(res).account.username,
      });
    });
    const scored = await data.card(record);
    const item = scored && data.improvements(scored).find((i) => i.id === id);
    res.status(201).json({ improvement: item });
  });

  router.patch('/api/drills/:id/improvements/:itemId', facilitators, async (req, res) => {
    const record = data.record(req.params.id as string);
    const itemId = req.params.itemId as string;
    const body = ItemEdit.parse(req.body);
    const scored = await data.card(record);
    if (!scored || !data.improvements(scored).some((i) => i.id === itemId))
      throw notFound(`drill '${record.id}' has no improvement item '${itemId}'`);
    await deps.catalogue.update((d) => {
      const old = d.improvements.find((e) => e.drillId === record.id && e.id === itemId);
      const edit = {
        ...old,
        ...body,
        id: itemId,
        drillId: record.id,
        updatedAt: now(),
        updatedBy: callerOf(res).account.username,
      };
      d.improvements = d.improvements.filter((e) => !(e.drillId === record.id && e.id === itemId));
      d.improvements.push(edit);
    });
    res.json({ improvement: data.improvements(scored).find((i) => i.id === itemId) });
  });

  router.use(insightRoutes(deps, data));
  router.use(debriefRoutes(deps));
  return router;
}
