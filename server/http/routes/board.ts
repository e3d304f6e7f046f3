import { Router } from 'express';
import { boardOf } from '../../domain/engine/view.js';
import type { DrillService } from '../../runtime/drill-service.js';
import type { CatalogueStore } from '../../store/store.js';
import { notFound } from '../errors.js';
import { liveLink } from './participants.js';

/**
 * The status board a join link's role sees now: services, alerts, channel states and the grade
 * (boardOf: the same for every role, without any message or inject). The socket pushes it to
 * everyone on the drill when the world changes; the console also asks for it after a reconnect
 * and every so often, to correct its clock.
 */
export function boardRoutes(deps: { catalogue: CatalogueStore; service: DrillService }): Router {
  const router = Router();
  router.get('/board/:token', (req, res) => {
    const found = liveLink(deps.catalogue, req.params.token);
    const runner = found && deps.service.runner(found.drill.id);
    if (!found || !runner) throw notFound('this link does not open any drill');
    const board = boardOf(runner.drill, runner.state);
    res.json({
      exercise: true,
      drill: { id: found.drill.id, status: runner.state.status },
      ...board,
      // The drill clock now, not the time of the last entry.
      t: runner.clock.now(),
    });
  });
  return router;
}
