import { Router } from 'express';
import { viewFor } from '../../domain/engine/view.js';
import type { DrillService } from '../../runtime/drill-service.js';
import type { CatalogueStore } from '../../store/store.js';
import { notFound } from '../errors.js';
import { liveLink } from './participants.js';

/**
 * The status board a join link's role sees now: services, alerts and channel states (the same
 * filter as the socket's welcome view, without any message or inject). The participant console
 * asks for it every few seconds, because an inject addressed to one role changes the world every
 * role sees, and the socket tells only that inject's recipients. Not rate-limited like /api/join:
 * the console polls it, and a 256-bit token cannot be guessed anyway.
 */
export function boardRoutes(deps: { catalogue: CatalogueStore; service: DrillService }): Router {
  const router = Router();
  router.get('/board/:token', (req, res) => {
    const found = liveLink(deps.catalogue, req.params.token);
    const runner = found && deps.service.runner(found.drill.id);
    if (!found || !runner) throw notFound('this link does not open any drill');
    const view = viewFor(runner.drill, runner.state, found.link.role);
    res.json({
      exercise: true,
      drill: { id: found.drill.id, status: view.status },
      seq: view.seq,
      t: runner.clock.now(),
      grade: view.grade,
      services: view.services.map(({ id, state }) => ({ id, state })),
      alerts: view.alerts,
      channels: view.channels.map(({ id, state }) => ({ id, state })),
    });
  });
  return router;
}
