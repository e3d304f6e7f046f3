import { Router } from 'express';
import { v4 as uuid } from 'uuid';
import { z } from 'zod';
import type { WallClock } from '../../runtime/clock.js';
import { StaffRole, Webhook } from '../../store/catalogue-schema.js';
import type { CatalogueStore } from '../../store/store.js';
import { callerOf, requireRole } from '../auth/middleware.js';
import { generatePassword, hashPassword } from '../auth/passwords.js';
import { newToken, tokenHash } from '../auth/tokens.js';
import { HttpError, notFound } from '../errors.js';

const NewPerson = z.strictObject({
  name: z.string().min(1).max(200),
  email: z.email().optional(),
  webhooks: z.array(Webhook).max(5).optional(),
});
const NewAccount = z.strictObject({
  username: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9._-]{1,39}$/,
      'lowercase letters, digits, dot, dash or underscore; 2 to 40',
    ),
  role: StaffRole,
});
/** True for a time zone the server's Intl knows (an IANA name such as `Asia/Seoul`). */
const knownZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};
const NewTeam = z.strictObject({
  name: z.string().min(1).max(200),
  timeZone: z
    .string()
    .min(1)
    .max(60)
    .refine(knownZone, 'not a time zone (an IANA name such as Asia/Seoul)')
    .optional(),
  members: z.array(z.string().min(1)).max(500).optional(),
});

/**
 * Staff accounts, people, teams and API tokens. A new account's one-time password and a
 * person's standby link are shown once, when they are made; a lost standby link is replaced by
 * a new one (`POST /people/:id/standby`), which retires the old.
 */
export function rosterRoutes(deps: {
  catalogue: CatalogueStore;
  wall: WallClock;
  baseUrl: string;
}): Router {
  const router = Router();
  const staff = requireRole('facilitator', 'evaluator');
  const facilitators = requireRole('facilitator');

  router.get('/accounts', facilitators, (_req, res) => {
    res.json({
      accounts: deps.catalogue
        .read()
        .accounts.map(({ id, username, role, createdAt, disabledAt }) => ({
          id,
          username,
          role,
          createdAt,
          disabledAt,
        })),
    });
  });

  router.post('/accounts', facilitators, async (req, res) => {
    const body = NewAccount.parse(req.body);
    if (deps.catalogue.read().accounts.some((a) => a.username === body.username))
      throw new HttpError(409, 'taken', `username: '${body.username}' is taken`);
    const password = generatePassword();
    const account = {
      id: uuid(),
      username: body.username,
      role: body.role,
      passwordHash: await hashPassword(password),
      createdAt: new Date(deps.wall.now()).toISOString(),
    };
    await deps.catalogue.update((data) => {
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
    z.strictObject({}).parse(req.body ?? {});
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
    const people = new Set(deps.catalogue.read().people.map((p) => p.id));
    const stranger = (body.members ?? []).findIndex((m) => !people.has(m));
    if (stranger >= 0)
      throw new HttpError(
        400,
        'bad-request',
        `members.${stranger}: no person '${body.members?.[stranger]}' on the roster`,
      );
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
  return router;
}
