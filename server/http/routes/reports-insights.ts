import { createHash, randomBytes } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { ms } from '../../domain/duration.js';
import { drillCalendar } from '../../reports/calendar.js';
import { readinessCsv, readinessHtml, trendsHtml } from '../../reports/insights-html.js';
import { computeReadiness } from '../../reports/readiness.js';
import { computeTrends } from '../../reports/trends.js';
import { trendsCsv, trendsSvg } from '../../reports/trends-render.js';
import type { Caller } from '../auth/middleware.js';
import { callerOf, requireRole } from '../auth/middleware.js';
import { HttpError, notFound } from '../errors.js';
import type { ReportRouteDeps } from './reports.js';
import type { ReportData } from './reports-data.js';

const Id = z.string().min(1).max(100);
const TrendQuery = z.strictObject({
  team: Id.optional(),
  scenario: Id.optional(),
  role: Id.optional(),
  format: z.enum(['json', 'csv', 'svg', 'html']).default('json'),
});
const ReadinessQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(3650).default(90),
  /** Only drills on this manual, and its roles. */
  manual: Id.optional(),
  format: z.enum(['json', 'csv', 'html']).default('json'),
});

const FEED_TOKEN = /^fd_cal_[A-Za-z0-9_-]{43}$/;
const feedHash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Trends and readiness across finished drills, and the calendar feed of scheduled drills.
 * Trends name no person, so viewers get them; readiness is per person, for facilitators and
 * evaluators only. The calendar is read by calendar clients, which cannot sign in: each staff
 * account mints a secret feed URL (`POST /api/calendar/token`, shown once; a new one replaces
 * the old), and `GET /api/calendar.ics?token=` answers to it, or to a signed-in session.
 */
export function insightRoutes(deps: ReportRouteDeps, data: ReportData): Router {
  const router = Router();
  const staff = requireRole('facilitator', 'evaluator', 'viewer');
  const evaluators = requireRole('facilitator', 'evaluator');
  const now = () => new Date(deps.wall.now()).toISOString();

  router.get('/api/trends', staff, async (req, res) => {
    const query = TrendQuery.parse(req.query);
    const { format, ...filter } = query;
    const trends = computeTrends(await data.finished(), filter);
    if (format === 'csv') res.type('text/csv; charset=utf-8').send(trendsCsv(trends));
    else if (format === 'svg') res.type('image/svg+xml; charset=utf-8').send(trendsSvg(trends));
    else if (format === 'html')
      res.type('text/html; charset=utf-8').send(trendsHtml(trends, now()));
    else res.json({ trends });
  });

  router.get('/api/readiness', evaluators, async (req, res) => {
    const { days, format, manual } = ReadinessQuery.parse(req.query);
    const catalogue = deps.catalogue.read();
    const finished = (await data.finished()).filter((d) => !manual || d.manual.id === manual);
    if (manual && !deps.library.manuals.has(manual))
      throw new HttpError(400, 'bad-request', `manual: unknown manual '${manual}'`);
    // The roles of the manual asked for, else of the manuals the team has drilled on: a role of
    // a manual nobody uses is not one anybody is behind on.
    const drilled = new Set(manual ? [manual] : finished.map((d) => d.manual.id));
    const roles = new Map<string, string>();
    for (const m of deps.library.manuals.values())
      if (drilled.has(m.value.id))
        for (const r of m.value.roles) if (!roles.has(r.id)) roles.set(r.id, r.name);
    const readiness = computeReadiness(
      finished,
      catalogue.people.map((p) => ({ id: p.id, name: p.name })),
      [...roles].map(([id, name]) => ({ id, name })),
      { now: now(), windowDays: days },
    );
    if (format === 'csv') res.type('text/csv; charset=utf-8').send(readinessCsv(readiness));
    else if (format === 'html') res.type('text/html; charset=utf-8').send(readinessHtml(readiness));
    else res.json({ readiness });
  });

  router.post('/api/calendar/token', staff, async (_req, res) => {
    const caller: Caller = callerOf(res);
    const token = `fd_cal_${randomBytes(32).toString('base64url')}`;
    await deps.catalogue.update((d) => {
      d.calendarFeeds = d.calendarFeeds.filter((f) => f.accountId !== caller.account.id);
      d.calendarFeeds.push({
        accountId: caller.account.id,
        tokenHash: feedHash(token),
        createdAt: now(),
      });
    });
    res.status(201).json({ url: `${deps.baseUrl}/api/calendar.ics?token=${token}` });
  });

  router.get('/api/calendar.ics', (req, res) => {
    const catalogue = deps.catalogue.read();
    const token = req.query.token;
    if (token !== undefined) {
      const hash = typeof token === 'string' && FEED_TOKEN.test(token) ? feedHash(token) : '';
      const feed = catalogue.calendarFeeds.find((f) => f.tokenHash === hash);
      const account =
        feed && catalogue.accounts.find((a) => a.id === feed.accountId && !a.disabledAt);
      if (!account) throw notFound('this calendar link is not known; make a new one');
    } else if (!res.locals.caller)
      throw new HttpError(
        401,
        'sign-in',
        'sign in first, or use your calendar link (POST /api/calendar/token)',
      );
    const drills = catalogue.drills.map((d) => {
      const scenario = deps.library.scenarios.get(d.scenario.id)?.value;
      const limit = scenario ? ms(scenario.end.limit) : 60 * 60_000;
      return {
        id: d.id,
        title: d.title,
        mode: d.mode,
        status: d.status,
        dueAt: d.dueAt,
        durationMs: limit / d.timeScale,
        scenario: d.scenario.id,
        team: catalogue.teams.find((t) => t.id === d.teamId)?.name,
        archived: Boolean(d.archivedAt),
      };
    });
    res
      .type('text/calendar; charset=utf-8')
      .send(drillCalendar(drills, { generatedAt: now(), baseUrl: deps.baseUrl }));
  });
  return router;
}
