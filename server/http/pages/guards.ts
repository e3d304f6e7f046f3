import type { NextFunction, Request, Response } from 'express';
import type { StaffRole } from '../../store/catalogue-schema.js';
import type { Caller } from '../auth/middleware.js';
import { languageOf, renderError } from './render.js';
import { stringsFor } from './strings.js';

/**
 * Lets a page through to signed-in staff of `roles`. Anyone not signed in is sent to the sign-in
 * page (302), which brings them back; a signed-in account of another role gets a 403 page.
 */
export function staffPage(...roles: StaffRole[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const caller = res.locals.caller as Caller | undefined;
    if (!caller) return res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    if (!roles.includes(caller.account.role))
      return renderError(res, 403, 'wrongRole', {
        roles: roles.join(String(stringsFor('error', languageOf(res)).or)),
        role: caller.account.role,
      });
    next();
  };
}

/** The signed-in account of a page that passed staffPage. */
export function accountOf(res: Response): Caller['account'] {
  return (res.locals.caller as Caller).account;
}
