import type { NextFunction, Request, Response } from 'express';
import type { WallClock } from '../../runtime/clock.js';
import type { Account, CatalogueData, StaffRole } from '../../store/catalogue-schema.js';
import type { CatalogueStore } from '../../store/store.js';
import { forbidden, HttpError } from '../errors.js';
import { tokenHash } from './tokens.js';

export const SESSION_COOKIE = 'fd_session';

/** Who made a request: an account signed in by cookie, or by API token. */
export interface Caller {
  account: Account;
  via: 'session' | 'token';
}

/** The account a session cookie's value signs in: unexpired session, account not disabled. */
export function sessionAccount(
  data: Readonly<CatalogueData>,
  wall: WallClock,
  cookie: string,
): Account | undefined {
  const hash = tokenHash(cookie);
  const session = data.sessions.find(
    (s) => s.tokenHash === hash && Date.parse(s.expiresAt) > wall.now(),
  );
  return session && data.accounts.find((a) => a.id === session.accountId && !a.disabledAt);
}

const USE_GRAIN_MS = 60_000;

/**
 * Records when an API token was last used, to the minute: at most one catalogue write a minute
 * per token, whatever a script sends. Best effort: a write that fails costs the note, never the
 * request it came with.
 */
function noteUse(
  catalogue: CatalogueStore,
  noting: Set<string>,
  token: { id: string; lastUsedAt?: string },
  now: number,
) {
  const { id, lastUsedAt: last } = token;
  if ((last && now - Date.parse(last) < USE_GRAIN_MS) || noting.has(id)) return;
  const at = new Date(now - (now % USE_GRAIN_MS)).toISOString();
  noting.add(id);
  catalogue
    .update((data) => {
      const token = data.apiTokens.find((t) => t.id === id);
      if (token && !token.revokedAt && (token.lastUsedAt ?? '') < at) token.lastUsedAt = at;
    })
    .catch(() => {})
    .finally(() => noting.delete(id));
}

/** Reads the session cookie or `Authorization: Bearer <api token>` into `res.locals.caller`. */
export function authenticate(catalogue: CatalogueStore, wall: WallClock) {
  // Tokens whose use is being written: a burst of requests asks for one write, not one each.
  const noting = new Set<string>();
  return (req: Request, res: Response, next: NextFunction) => {
    const data = catalogue.read();
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    let caller: Caller | undefined;
    if (bearer) {
      const hash = tokenHash(bearer);
      const token = data.apiTokens.find((t) => t.tokenHash === hash && !t.revokedAt);
      const account = token && data.accounts.find((a) => a.id === token.accountId && !a.disabledAt);
      if (!account)
        return next(new HttpError(401, 'bad-token', 'the API token is unknown or revoked'));
      noteUse(catalogue, noting, token, wall.now());
      caller = { account, via: 'token' };
    } else {
      const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
      const account = cookie ? sessionAccount(data, wall, cookie) : undefined;
      if (account) caller = { account, via: 'session' };
    }
    res.locals.caller = caller;
    next();
  };
}

/** The signed-in caller; 401 for anyone else. */
export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new HttpError(401, 'sign-in', 'sign in first');
  return caller;
}

/** Allows the request only to accounts with one of `roles` (see the table in docs/security.md). */
export function requireRole(...roles: StaffRole[]) {
  return (_req: Request, res: Response, next: NextFunction) => {
    try {
      const caller = callerOf(res);
      if (!roles.includes(caller.account.role))
        throw forbidden(`a ${caller.account.role} may not do this; it needs ${roles.join(' or ')}`);
      next();
    } catch (error) {
      next(error);
    }
  };
}
