import { Router } from 'express';
import type { DrillService } from '../../runtime/drill-service.js';
import type { CatalogueStore } from '../../store/store.js';
import { liveLink, standbyPerson } from '../routes/participants.js';
import { renderError, renderPage } from './render.js';

export interface ParticipantPageDeps {
  catalogue: CatalogueStore;
  service: DrillService;
}

/**
 * The pages a participant opens without an account: the drill console from a join link, and
 * their standby page from their personal link. A join link of a drill that has not started, has
 * ended or was revoked answers exactly like an unknown one.
 */
export function participantPages(deps: ParticipantPageDeps): Router {
  const router = Router();

  router.get('/join/:token', (req, res) => {
    const found = liveLink(deps.catalogue, req.params.token);
    const runner = found && deps.service.runner(found.drill.id);
    if (!found || !runner)
      // One answer for every link that opens nothing: a page never hints that a drill is coming.
      return renderError(res, 404, 'noDrillLink');
    const { link, drill } = found;
    const person = deps.catalogue.read().people.find((p) => p.id === link.personId);
    const role = runner.drill.roles.get(link.role);
    renderPage(res, 'participant', {
      locals: { title: drill.title, roleName: role?.name ?? link.role, duties: role?.duties ?? [] },
      data: {
        token: req.params.token,
        socket: `/ws?token=${encodeURIComponent(req.params.token)}`,
        debrief: `/api/join/${encodeURIComponent(req.params.token)}/debrief`,
        board: `/api/board/${encodeURIComponent(req.params.token)}`,
        boardPollMs: 30_000,
        drill: { id: drill.id, title: drill.title, timeScale: drill.timeScale },
        role: link.role,
        roleName: role?.name ?? link.role,
        duties: role?.duties ?? [],
        person: person?.name,
        personId: link.personId,
        t: runner.clock.now(),
        status: runner.state.status,
      },
    });
  });

  router.get('/standby/:token', (req, res) => {
    const person = standbyPerson(deps.catalogue, req.params.token);
    if (!person) return renderError(res, 404, 'unknownStandby');
    // Nothing about drills here: the page asks GET /api/standby/:token, which names only
    // drills already running.
    renderPage(res, 'standby', {
      locals: { name: person.name },
      data: { api: `/api/standby/${encodeURIComponent(req.params.token)}` },
    });
  });
  return router;
}
