import { Router } from 'express';
import { v4 as uuid } from 'uuid';
import { z } from 'zod';
import type { WallClock } from '../../runtime/clock.js';
import type { CatalogueStore } from '../../store/store.js';
import { callerOf, requireRole } from '../auth/middleware.js';
import { generatePassword, hashPassword } from '../auth/passwords.js';
import { newToken, tokenHash } from '../auth/tokens.js';
import { HttpError, notFound } from '../errors.js';
import { accountView, rosterChanges } from './roster-changes.js';
import { checkMembers, NewAccount, NewPerson, NewTeam, NoBody } from './roster-input.js';

/**
 * Staff accounts, people, teams and API tokens. A new account's one-time password and a
 * person's standby link are shown once, when they are made; a lost standby link is replaced by
 * a new one (`POST /people/:id/standby`), which retires the old. Undoing any of it (revoke,
 * disable, edit, delete, remove) is in roster-changes.ts.
 */
export function rosterRoutes(deps: {
  catalogue: CatalogueStore;
  wall: WallClock;
  baseUrl: string;
  /** Called once an account is disabled: its open staff sockets close. */
  closeAccount?: (accountId: string) => void;
}): Router {
  const router = Router();
  const staff = requireRole('facilitator', 'evaluator');
  const facilitators = requireRole('facilitator');

  router.get('/accounts', facilitators, (_req, res) => {
    res.json({
      accounts: deps.catalogue.read().accounts.map(accountView),
    });
  });

  router.post('/accounts', facilitators, async (req, res) => {
    const body = NewAccount.parse(req.body);
    const taken = (data: { accounts: readonly { username: string }[] }) => {
      if (data.accounts.some((a) => a.username === body.username))
        throw new HttpError(409, 'taken', `username: '${body.username}' is taken`);
    };
    taken(deps.catalogue.read());
    const password = generatePassword();
    const account = {
      id: uuid(),
      username: body.username,
      role: body.role,
      passwordHash: await hashPassword(password),
      createdAt: new Date(deps.wall.now()).toISOString(),
    };
    // Checked again inside the write: another request may have taken it while this one hashed.
    await deps.catalogue.update((data) => {
      taken(data);
      data.accounts.push(account);
    });
    res.status(201).json({
      account: {
        id: account.id,
        username: account.username,
        role: account.role,
        createdAt: account.createdAt,
      },
      password,
    });
  });

  router.get('/people', staff, (_req, res) => {
    res.json({
      people: deps.catalogue
        .read()
        .people.map(({ standbyTokenHash: _hidden, ...person }) => person),
    });
  });

  router.post('/people', facilitators, async (req, res) => {
    const body = NewPerson.parse(req.body);
    const token = newToken('standby');
    const person = {
      id: uuid(),
      name: body.name,
      email: body.email,
      webhooks: body.webhooks ?? [],
      standbyTokenHash: tokenHash(token),
    };
    await deps.catalogue.update((data) => {
      data.people.push(person);
    });
    const { standbyTokenHash: _hidden, ...shown } = person;
    res.status(201).json({ person: shown, standbyUrl: `${deps.baseUrl}/standby/${token}` });
  });

  // A lost standby link: a new one is issued and the old one opens nothing from now on.
  router.post('/people/:id/standby', facilitators, async (req, res) => {
    NoBody.parse(req.body ?? {});
    const id = req.params.id as string;
    const token = newToken('standby');
    const person = await deps.catalogue.update((data) => {
      const found = data.people.find((p) => p.id === id);
      if (found) found.standbyTokenHash = tokenHash(token);
      return found && { ...found };
    });
    if (!person) throw notFound(`no person '${id}'`);
    const { standbyTokenHash: _hidden, ...shown } = person;
    res.json({ person: shown, standbyUrl: `${deps.baseUrl}/standby/${token}` });
  });

  router.get('/teams', staff, (_req, res) => {
    res.json({ teams: deps.catalogue.read().teams });
  });

  router.post('/teams', facilitators, async (req, res) => {
    const body = NewTeam.parse(req.body);
    checkMembers(deps.catalogue.read().people, body.members ?? []);
    const team = {
      id: uuid(),
      name: body.name,
      timeZone: body.timeZone ?? 'Asia/Seoul',
      members: body.members ?? [],
    };
    await deps.catalogue.update((data) => {
      data.teams.push(team);
    });
    res.status(201).json({ team });
  });

  router.post('/tokens', facilitators, async (req, res) => {
    const { name } = z.strictObject({ name: z.string().min(1).max(100) }).parse(req.body);
    const token = newToken('api');
    const record = {
      id: uuid(),
      accountId: callerOf(res).account.id,
      name,
      tokenHash: tokenHash(token),
      createdAt: new Date(deps.wall.now()).toISOString(),
    };
    await deps.catalogue.update((data) => {
      data.apiTokens.push(record);
    });
    res.status(201).json({ id: record.id, name, createdAt: record.createdAt, token });
  });
  rosterChanges(router, deps);
  return router;
}
