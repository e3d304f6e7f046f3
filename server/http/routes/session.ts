import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { WallClock } from '../../runtime/clock.js';
import type { CatalogueStore } from '../../store/store.js';
import { callerOf, SESSION_COOKIE } from '../auth/middleware.js';
import { verifyPassword } from '../auth/passwords.js';
import { newToken, tokenHash } from '../auth/tokens.js';
import { HttpError } from '../errors.js';

const SignIn = z.strictObject({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});
const SESSION_HOURS = 12;

export interface SessionDeps {
  catalogue: CatalogueStore;
  wall: WallClock;
  csrfToken(req: Request, res: Response): string;
  /** Whether cookies must be Secure (HTTPS, or behind a trusted proxy that says so). */
  secureCookies(req: Request): boolean;
}

/** Signing in and out with a password; the session lives in an HttpOnly, SameSite=Strict cookie. */
export function sessionRoutes(deps: SessionDeps): Router {
  const router = Router();
  router.post('/session', async (req, res) => {
    const { username, password } = SignIn.parse(req.body);
    const account = deps.catalogue
      .read()
      .accounts.find((a) => a.username === username && !a.disabledAt);
    // The same answer, after the same work, for an unknown user and a wrong password.
    const ok = await verifyPassword(password, account?.passwordHash ?? 'scrypt$0$0$0$AA$AA');
    if (!account || !ok) throw new HttpError(401, 'bad-credentials', 'wrong username or password');
    const token = newToken('sess');
    const now = deps.wall.now();
    await deps.catalogue.update((data) => {
      data.sessions = data.sessions.filter((s) => Date.parse(s.expiresAt) > now);
      data.sessions.push({
        tokenHash: tokenHash(token),
        accountId: account.id,
        createdAt: new Date(now).toISOString(),
        expiresAt: new Date(now + SESSION_HOURS * 3_600_000).toISOString(),
      });
    });
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.secureCookies(req),
      maxAge: SESSION_HOURS * 3_600_000,
      path: '/',
    });
    req.cookies[SESSION_COOKIE] = token;
    res.json({
      account: { username: account.username, role: account.role },
      csrfToken: deps.csrfToken(req, res),
    });
  });

  router.get('/me', (req, res) => {
    const { account } = callerOf(res);
    res.json({
      account: { username: account.username, role: account.role },
      csrfToken: deps.csrfToken(req, res),
    });
  });

  router.delete('/session', async (req, res) => {
    callerOf(res);
    const cookie = (req.cookies as Record<string, string>)[SESSION_COOKIE];
    if (cookie) {
      const hash = tokenHash(cookie);
      await deps.catalogue.update((data) => {
        data.sessions = data.sessions.filter((s) => s.tokenHash !== hash);
      });
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ signedOut: true });
  });
  return router;
}
