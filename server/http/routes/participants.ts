import { Router } from 'express';
import type { DrillService } from '../../runtime/drill-service.js';
import type { CatalogueStore } from '../../store/store.js';
import { tokenHash } from '../auth/tokens.js';
import { notFound } from '../errors.js';

const LIVE = new Set(['running', 'paused', 'stopped']);

/**
 * The join link a token opens and its drill, if the link is not revoked, the drill not archived
 * and its status one of `statuses`. Every route that takes a join token looks it up here.
 */
export function openLink(catalogue: CatalogueStore, token: string, statuses: ReadonlySet<string>) {
  const data = catalogue.read();
  const hash = tokenHash(token);
  const link = data.joinLinks.find((l) => l.tokenHash === hash && !l.revokedAt);
  const drill = link && data.drills.find((d) => d.id === link.drillId && !d.archivedAt);
  if (!link || !drill || !statuses.has(drill.status)) return undefined;
  return { link, drill };
}

/** The join link a token opens, if the drill behind it is live and the link not revoked. */
export function liveLink(catalogue: CatalogueStore, token: string) {
  return openLink(catalogue, token, LIVE);
}

/** The person whose personal standby link `token` is. */
export function standbyPerson(catalogue: CatalogueStore, token: string) {
  const hash = tokenHash(token);
  return catalogue.read().people.find((p) => p.standbyTokenHash === hash);
}

export interface ParticipantDeps {
  catalogue: CatalogueStore;
  service: DrillService;
}

/**
 * What a participant's links open. A join link for a drill that has not started, has ended, was
 * revoked or never existed answers the same 404: nothing tells a participant a drill is coming.
 */
export function participantRoutes(deps: ParticipantDeps): Router {
  const router = Router();
  router.get('/join/:token', (req, res) => {
    const found = liveLink(deps.catalogue, req.params.token);
    if (!found) throw notFound('this link does not open any drill');
    const { link, drill } = found;
    const person = deps.catalogue.read().people.find((p) => p.id === link.personId);
    res.json({
      exercise: true,
      drill: { id: drill.id, title: drill.title, status: drill.status },
      role: link.role,
      person: person ? { id: person.id, name: person.name } : undefined,
      socket: `/ws?token=${encodeURIComponent(req.params.token)}`,
    });
  });

  router.get('/standby/:token', async (req, res) => {
    const data = deps.catalogue.read();
    const person = standbyPerson(deps.catalogue, req.params.token);
    if (!person) throw notFound('this standby link is not known');
    // Only drills already running are named; scheduled ones are never mentioned, nor drills
    // the person was taken off by a revoked link.
    const drills = data.drills.filter(
      (d) =>
        LIVE.has(d.status) &&
        !d.archivedAt &&
        d.assignments.some((a) => a.personId === person.id) &&
        !deps.service.isRevoked(d.id, person.id),
    );
    const live = await Promise.all(
      drills.map(async (d) => ({
        drillId: d.id,
        title: d.title,
        join: await deps.service.standbyJoinUrl(d.id, person.id),
      })),
    );
    res.json({ exercise: true, person: { name: person.name }, live });
  });
  return router;
}
