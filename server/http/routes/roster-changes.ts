import type { Router } from 'express';
import type { WallClock } from '../../runtime/clock.js';
import type { CatalogueData } from '../../store/catalogue-schema.js';
import type { CatalogueStore } from '../../store/store.js';
import { callerOf, requireRole } from '../auth/middleware.js';
import { HttpError, notFound } from '../errors.js';
import { checkMembers, drillList, NoBody, TeamEdit } from './roster-input.js';

/** Drills that are not over: a person or team on one of them stays until it is. */
const NOT_OVER = new Set(['scheduled', 'running', 'paused', 'stopped']);

/** What a facilitator sees of an API token: never the token or its hash. */
export function tokenView(data: Readonly<CatalogueData>, token: CatalogueData['apiTokens'][0]) {
  return {
    id: token.id,
    name: token.name,
    owner: data.accounts.find((a) => a.id === token.accountId)?.username,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
    revokedBy: token.revokedBy,
  };
}

/** What a facilitator sees of a staff account: never its password hash or sessions. */
export function accountView(account: CatalogueData['accounts'][0]) {
  const { id, username, role, createdAt, disabledAt, disabledBy } = account;
  return { id, username, role, createdAt, disabledAt, disabledBy };
}

/**
 * The roster's undo: revoke an API token, disable and re-enable a staff account, edit and
 * delete a team, remove a person. Each is one catalogue change, checked inside it, so two
 * facilitators acting at once cannot both pass a check that only one of them may.
 */
export function rosterChanges(
  router: Router,
  deps: {
    catalogue: CatalogueStore;
    wall: WallClock;
    closeAccount?: (accountId: string) => void;
  },
): void {
  const facilitators = requireRole('facilitator');
  const now = () => new Date(deps.wall.now()).toISOString();

  router.get('/tokens', facilitators, (_req, res) => {
    const data = deps.catalogue.read();
    res.json({ tokens: data.apiTokens.map((k) => tokenView(data, k)) });
  });

  // Revoked at once: the next request with it is 401. Revoking twice changes nothing.
  router.post('/tokens/:id/revoke', facilitators, async (req, res) => {
    NoBody.parse(req.body ?? {});
    const id = req.params.id as string;
    const by = callerOf(res).account.username;
    const at = now();
    const found = await deps.catalogue.update((data) => {
      const token = data.apiTokens.find((k) => k.id === id);
      if (token && !token.revokedAt) Object.assign(token, { revokedAt: at, revokedBy: by });
      return token && tokenView(data, token);
    });
    if (!found) throw notFound(`no API token '${id}'`);
    res.json({ token: found });
  });

  // Disabling ends the account's sessions and revokes its API tokens in the same change, so
  // enabling it again brings back its password only.
  router.post('/accounts/:id/disable', facilitators, async (req, res) => {
    NoBody.parse(req.body ?? {});
    const id = req.params.id as string;
    const me = callerOf(res).account;
    if (id === me.id)
      throw new HttpError(
        409,
        'self',
        'you cannot disable your own account; ask another facilitator',
      );
    const at = now();
    const account = await deps.catalogue.update((data) => {
      const target = data.accounts.find((a) => a.id === id);
      if (!target || target.disabledAt) return target && accountView(target);
      const others = data.accounts.filter(
        (a) => a.role === 'facilitator' && !a.disabledAt && a.id !== id,
      );
      if (target.role === 'facilitator' && !others.length)
        throw new HttpError(
          409,
          'last-facilitator',
          `'${target.username}' is the last enabled facilitator; nobody could manage Firedrill without one`,
        );
      Object.assign(target, { disabledAt: at, disabledBy: me.username });
      data.sessions = data.sessions.filter((s) => s.accountId !== id);
      for (const token of data.apiTokens)
        if (token.accountId === id && !token.revokedAt)
          Object.assign(token, { revokedAt: at, revokedBy: `${me.username} (account disabled)` });
      return accountView(target);
    });
    if (!account) throw notFound(`no account '${id}'`);
    deps.closeAccount?.(id);
    res.json({ account });
  });

  router.post('/accounts/:id/enable', facilitators, async (req, res) => {
    NoBody.parse(req.body ?? {});
    const id = req.params.id as string;
    const account = await deps.catalogue.update((data) => {
      const target = data.accounts.find((a) => a.id === id);
      if (target) {
        delete target.disabledAt;
        delete target.disabledBy;
      }
      return target && accountView(target);
    });
    if (!account) throw notFound(`no account '${id}'`);
    res.json({ account });
  });

  router.patch('/teams/:id', facilitators, async (req, res) => {
    const edit = TeamEdit.parse(req.body);
    const id = req.params.id as string;
    const team = await deps.catalogue.update((data) => {
      const found = data.teams.find((t) => t.id === id);
      if (!found) return undefined;
      if (edit.members) checkMembers(data.people, edit.members);
      if (edit.name !== undefined) found.name = edit.name;
      if (edit.timeZone !== undefined) found.timeZone = edit.timeZone;
      if (edit.members) found.members = edit.members;
      return { ...found };
    });
    if (!team) throw notFound(`no team '${id}'`);
    res.json({ team });
  });

  // A drill keeps its team for its schedule, its trends and its report's heading: a team any
  // drill names stays (rename it instead).
  router.delete('/teams/:id', facilitators, async (req, res) => {
    NoBody.parse(req.body ?? {});
    const id = req.params.id as string;
    const team = await deps.catalogue.update((data) => {
      const found = data.teams.find((t) => t.id === id);
      if (!found) return undefined;
      const drills = data.drills.filter((d) => d.teamId === id);
      if (drills.length)
        throw new HttpError(
          409,
          'in-use',
          `team '${found.name}' cannot be deleted: ${drills.length} drill(s) name it, ${drillList(drills)}, and keep it for their schedule and reports; rename it instead`,
        );
      data.teams = data.teams.filter((t) => t !== found);
      return { id: found.id, name: found.name };
    });
    if (!team) throw notFound(`no team '${id}'`);
    res.json({ deleted: team });
  });

  // Someone on a drill that is not over stays until it is. Otherwise they leave the roster and
  // every team; their standby link and the links of their past drills open nothing from now on.
  // Those drills' logs keep the name they were played under.
  router.delete('/people/:id', facilitators, async (req, res) => {
    NoBody.parse(req.body ?? {});
    const id = req.params.id as string;
    const at = now();
    const removed = await deps.catalogue.update((data) => {
      const person = data.people.find((p) => p.id === id);
      if (!person) return undefined;
      // On a drill: holding a live link to it, or assigned to it with no link yet. A person
      // whose links the facilitator revoked has been taken off it.
      const links = data.joinLinks.filter((l) => l.personId === id);
      const onDrill = new Set(links.filter((l) => !l.revokedAt).map((l) => l.drillId));
      const linked = new Set(links.map((l) => l.drillId));
      const drills = data.drills.filter(
        (d) =>
          NOT_OVER.has(d.status) &&
          (onDrill.has(d.id) ||
            (!linked.has(d.id) && d.assignments.some((a) => a.personId === id))),
      );
      if (drills.length)
        throw new HttpError(
          409,
          'in-use',
          `'${person.name}' is on ${drills.length} drill(s) not over yet, ${drillList(drills)}; remove them once those have ended, or cancel a scheduled one first`,
        );
      data.people = data.people.filter((p) => p !== person);
      for (const team of data.teams) team.members = team.members.filter((m) => m !== id);
      let revoked = 0;
      for (const link of data.joinLinks)
        if (link.personId === id && !link.revokedAt) {
          link.revokedAt = at;
          revoked++;
        }
      return { id: person.id, name: person.name, revokedLinks: revoked };
    });
    if (!removed) throw notFound(`no person '${id}'`);
    res.json({ removed });
  });
}
