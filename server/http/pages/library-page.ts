import { Router } from 'express';
import type { DrillLibrary } from '../../runtime/drill-library.js';
import type { CatalogueStore } from '../../store/store.js';
import { accountOf, staffPage } from './guards.js';
import { renderPage } from './render.js';

/** The library page: manuals and scenarios with their versions, an editor, and dry runs. */
export function libraryPage(deps: { library: DrillLibrary; catalogue: CatalogueStore }): Router {
  const router = Router();
  router.get('/library', staffPage('facilitator', 'evaluator'), (_req, res) => {
    const uploads = deps.catalogue.read().library;
    const versionsOf = (kind: string, id: string, current: string) => [
      ...new Set([
        current,
        ...uploads.filter((u) => u.kind === kind && u.id === id).map((u) => u.version),
      ]),
    ];
    const manuals = [...deps.library.manuals.values()].map(({ value, file }) => ({
      id: value.id,
      title: value.title,
      version: value.version,
      versions: versionsOf('manual', value.id, value.version),
      roles: value.roles.map((r) => r.name).join(', '),
      file,
    }));
    const scenarios = [...deps.library.scenarios.values()].map(({ value, file }) => ({
      id: value.id,
      title: value.title,
      version: value.version,
      versions: versionsOf('scenario', value.id, value.version),
      manual: value.manual,
      situation: value.situation,
      injects: value.injects.length,
      file,
    }));
    renderPage(res, 'library', {
      locals: { manuals, scenarios, canSave: accountOf(res).role === 'facilitator' },
      data: { canSave: accountOf(res).role === 'facilitator' },
    });
  });
  return router;
}
