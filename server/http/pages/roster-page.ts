import { Router } from 'express';
import type { CatalogueData } from '../../store/catalogue-schema.js';
import type { CatalogueStore } from '../../store/store.js';
import { accountView, tokenView } from '../routes/roster-changes.js';
import { accountOf, staffPage } from './guards.js';
import { renderPage } from './render.js';

/** Where a webhook goes, without its path: a chat webhook's URL is itself the secret. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** What the roster page shows of the catalogue: no hash, no webhook secret, accounts and tokens to facilitators. */
export function rosterView(data: CatalogueData, facilitator: boolean) {
  return {
    people: data.people.map((p) => ({
      id: p.id,
      name: p.name,
      email: p.email,
      webhooks: p.webhooks.map((w) => ({ kind: w.kind, host: hostOf(w.url) })),
    })),
    teams: data.teams.map(({ id, name, timeZone, members }) => ({ id, name, timeZone, members })),
    accounts: facilitator ? data.accounts.map(accountView) : [],
    tokens: facilitator ? data.apiTokens.map((k) => tokenView(data, k)) : [],
  };
}

/**
 * The roster page: people (with their standby links, shown once), teams, staff accounts and API
 * tokens. Evaluators read people and teams; facilitators also add, edit and remove them, disable
 * and re-enable staff, and revoke tokens.
 */
export function rosterPage(deps: { catalogue: CatalogueStore }): Router {
  const router = Router();
  router.get('/roster', staffPage('facilitator', 'evaluator'), (_req, res) => {
    const canEdit = accountOf(res).role === 'facilitator';
    renderPage(res, 'roster', {
      locals: { canEdit },
      data: {
        canEdit,
        me: accountOf(res).username,
        ...rosterView(deps.catalogue.read(), canEdit),
      },
    });
  });
  return router;
}
