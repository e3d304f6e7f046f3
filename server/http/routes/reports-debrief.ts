import { Router } from 'express';
import { z } from 'zod';
import type { WallClock } from '../../runtime/clock.js';
import type { DrillService } from '../../runtime/drill-service.js';
import type { CatalogueStore, EventLogStore } from '../../store/store.js';
import { HttpError, notFound } from '../errors.js';
import { openLink } from './participants.js';
import { FINISHED } from './reports-data.js';

const Debrief = z.strictObject({
  wentWell: z.string().max(2000),
  didNotGoWell: z.string().max(2000),
});

interface DebriefDeps {
  catalogue: CatalogueStore;
  logs: EventLogStore;
  wall: WallClock;
  service: DrillService;
}

/** Statuses in which a drill is under way: the debrief is not open yet. */
const UNDER_WAY = new Set(['running', 'paused']);
/** Statuses in which a debrief link answers at all (409 while under way). */
const OPENS = new Set([...FINISHED, ...UNDER_WAY]);

/**
 * True when the drill's log ends with its 'ended' entry although the catalogue still says it
 * runs: the moment between the two writes, when the participant's console already shows the
 * debrief form. A live runner answers from memory; only a drill without one reads its log.
 */
async function endedInLog(deps: DebriefDeps, drillId: string): Promise<boolean> {
  const runner = deps.service.runner(drillId);
  if (runner) return runner.state.status === 'ended';
  const { entries } = await deps.logs.read(drillId);
  return entries.at(-1)?.type === 'ended';
}

/**
 * The join link a token opens for the debrief, once its drill is over (409 `not-ended` while it
 * runs): not revoked, its drill not archived. A drill that has not started (scheduled, missed)
 * answers exactly like an unknown link, as every join route does, so that nothing tells a
 * participant a drill is coming.
 */
async function debriefLink(deps: DebriefDeps, token: string) {
  const found = openLink(deps.catalogue, token, OPENS);
  if (!found) throw notFound('this link does not open any drill');
  const { link, drill } = found;
  if (!FINISHED.has(drill.status) && !(await endedInLog(deps, drill.id)))
    throw new HttpError(
      409,
      'not-ended',
      'the debrief opens once the drill has ended; keep this page and come back then',
    );
  return { link, drill };
}

/**
 * A participant's debrief, by join link: what went well and what did not, once the drill is
 * over (ended, aborted or stopped for a real incident). One answer per link; a second replaces
 * the first. These routes take the join token in the path and no cookie, so the CSRF check
 * does not apply to them (docs/security.md, CSRF).
 */
export function debriefRoutes(deps: DebriefDeps): Router {
  const router = Router();

  router.get('/api/join/:token/debrief', async (req, res) => {
    const { link, drill } = await debriefLink(deps, req.params.token);
    const mine = deps.catalogue.read().debriefs.find((d) => d.linkId === link.id);
    res.json({
      exercise: true,
      drill: { id: drill.id, title: drill.title, status: drill.status },
      role: link.role,
      debrief: mine && {
        wentWell: mine.wentWell,
        didNotGoWell: mine.didNotGoWell,
        submittedAt: mine.submittedAt,
      },
    });
  });

  router.post('/api/join/:token/debrief', async (req, res) => {
    const { link, drill } = await debriefLink(deps, req.params.token);
    const body = Debrief.parse(req.body);
    const record = {
      drillId: drill.id,
      linkId: link.id,
      personId: link.personId,
      role: link.role,
      wentWell: body.wentWell,
      didNotGoWell: body.didNotGoWell,
      submittedAt: new Date(deps.wall.now()).toISOString(),
    };
    await deps.catalogue.update((d) => {
      d.debriefs = d.debriefs.filter((x) => x.linkId !== link.id);
      d.debriefs.push(record);
    });
    const { drillId: _d, linkId: _l, personId: _p, ...shown } = record;
    res.status(201).json({ debrief: shown });
  });
  return router;
}
