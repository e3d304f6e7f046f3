import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import { issuesText } from '../domain/problem.js';
import { DrillInputError } from '../runtime/drill-runner.js';
import { renderError } from './pages/render.js';

/** An error a client caused: its status, a stable code, and a message that says what and where. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what = 'not found') => new HttpError(404, 'not-found', what);
export const forbidden = (message = 'you may not do this') =>
  new HttpError(403, 'forbidden', message);

const STATUS_BY_CODE: Record<string, number> = {
  'not-running': 409,
  'not-paused': 409,
  'not-scheduled': 409,
  ended: 409,
  closed: 409,
  'storage-failed': 503,
  'unknown-drill': 404,
  'unknown-link': 404,
  'not-ended': 409,
};

/**
 * Whether a request is for a page (a browser asking for HTML outside the JSON API), which is
 * answered with the error page rather than the API's error shape.
 */
function wantsPage(req: Request): boolean {
  const path = req.path;
  if (path === '/healthz' || path === '/api' || path.startsWith('/api/')) return false;
  return req.accepts(['json', 'html']) === 'html';
}

/**
 * The one error shape of the JSON API: `{ error: { code, message } }`; a page (see wantsPage)
 * gets the error page with the same status and message. Nothing else leaves the server: no
 * stack traces, no internals; unexpected errors are logged and answered as 500.
 */
export function errorHandler(log: (error: unknown) => void) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    let status = 500;
    let code = 'internal';
    let message = 'something went wrong on the server; it has been logged';
    if (error instanceof HttpError) ({ status, code, message } = error);
    else if (error instanceof DrillInputError) {
      code = error.code;
      message = error.message;
      status = STATUS_BY_CODE[code] ?? 400;
    } else if (error instanceof ZodError) {
      status = 400;
      code = 'bad-request';
      message = issuesText(error.issues);
    } else if (error instanceof URIError) {
      // A path that is not valid percent-encoding (`/api/drills/%ZZ`): the router cannot read it.
      status = 400;
      code = 'bad-path';
      message = 'the path is not valid percent-encoding';
    } else if (isBodyError(error)) {
      status = error.status;
      code = error.type === 'entity.too.large' ? 'too-large' : 'bad-json';
      message =
        code === 'too-large'
          ? 'the request body is too large'
          : 'the request body is not valid JSON';
    } else if (isCsrfError(error)) {
      status = 403;
      code = 'bad-csrf';
      message = 'missing or stale CSRF token: send the x-csrf-token header from GET /api/me';
    } else log(error);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (wantsPage(req)) renderError(res, status, message);
    else res.status(status).json({ error: { code, message } });
  };
}

function isBodyError(error: unknown): error is { status: number; type: string } {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

function isCsrfError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'EBADCSRFTOKEN'
  );
}
