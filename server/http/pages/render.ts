import type { Response } from 'express';
import type { Caller } from '../auth/middleware.js';
import { languages, stringsFor } from './strings.js';

/** JSON for a `<script type="application/json">` block: nothing in it can close the element. */
export function jsonBlock(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
}

/** The browser's preferred language among those translated; English when none is. */
export function languageOf(res: Response): string {
  return res.req.acceptsLanguages(...languages()) || 'en';
}

/**
 * Renders a page: its view, its strings (`t`, also handed to the browser module with `data`),
 * and who is signed in (for the navigation).
 */
export function renderPage(
  res: Response,
  view: string,
  options: { status?: number; data?: unknown; locals?: Record<string, unknown> } = {},
): void {
  const lang = languageOf(res);
  const t = stringsFor(view, lang);
  const caller = res.locals.caller as Caller | undefined;
  res.status(options.status ?? 200).render(view, {
    t,
    lang,
    page: view,
    account: caller?.account && { username: caller.account.username, role: caller.account.role },
    pageData: jsonBlock({ strings: t, ...(options.data as object | undefined) }),
    ...options.locals,
  });
}

/**
 * An error page (HTML) with a status; `message` names a string of views/strings/<lang>/error.json
 * whose `{placeholders}` are filled from `values`.
 */
export function renderError(
  res: Response,
  status: number,
  message: string,
  values: Record<string, string> = {},
): void {
  const lang = languageOf(res);
  const template = String(stringsFor('error', lang)[message] ?? message);
  const text = template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? `{${key}}`);
  renderPage(res, 'error', { status, locals: { status, message: text } });
}
