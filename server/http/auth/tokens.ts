import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Bearer credentials: join links, standby links, session cookies and API tokens. Each is
 * `fd_<kind>_` and 32 random bytes in base64url (256 bits); the catalogue stores only its sha256,
 * so a lookup hashes what was presented and compares hashes.
 */

export const TOKEN_KINDS = ['join', 'standby', 'sess', 'api'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^fd_(join|standby|sess|api)_([A-Za-z0-9_-]{43})$/;

/** A fresh, unguessable token of one kind, e.g. `fd_join_3q2-…` (50 to 54 characters). */
export function newToken(kind: TokenKind): string {
  if (!TOKEN_KINDS.includes(kind)) throw new RangeError(`unknown token kind '${kind}'`);
  return `fd_${kind}_${randomBytes(TOKEN_BYTES).toString('base64url')}`;
}

/**
 * The kind of a well-formed token, or undefined for anything else: a cheap check before a lookup,
 * and a way to refuse, say, a standby token offered as a join token.
 */
export function tokenKind(token: unknown): TokenKind | undefined {
  if (typeof token !== 'string') return undefined;
  return TOKEN_PATTERN.exec(token)?.[1] as TokenKind | undefined;
}

/** The sha256 of a token, in hex: what the catalogue stores and looks tokens up by. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether two tokens (or two hashes) are equal, in time that does not depend on where they differ. */
export function sameToken(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  // Hashing first gives equal lengths, which timingSafeEqual needs, and hides the real lengths.
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
