import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Staff passwords: scrypt hashes stored as `scrypt$N$r$p$salt$hash` (salt and hash in base64), so
 * a copy of the catalogue grants nothing. Passwords are NFC-normalised first, so the same password
 * typed on another keyboard or IME (composed or decomposed Hangul) still matches.
 */

interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

const CURRENT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 64;
/** Longer passwords are refused outright: no one types them, and they cost hashing time. */
export const MAX_PASSWORD_LENGTH = 1_024;
/** The most memory a stored hash may ask scrypt for (the current parameters need 32 MiB). */
const MAX_MEMORY = 256 * 1024 * 1024;
const DUMMY_SALT = Buffer.alloc(SALT_BYTES);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Lowercase letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i). */
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function derive(plain: string, salt: Buffer, keyBytes: number, params: ScryptParams) {
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is just too small for N = 2^15.
  const maxmem = 128 * params.N * params.r + 1024 * 1024;
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(plain, salt, keyBytes, { ...params, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function base64(text: string | undefined, minBytes: number, maxBytes: number): Buffer | undefined {
  if (!text || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length >= minBytes && bytes.length <= maxBytes ? bytes : undefined;
}

function whole(text: string | undefined, min: number, max: number): number | undefined {
  if (!text || !/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/** The parts of a stored hash, or undefined when it is not one this code would write. */
function parse(stored: string) {
  const [scheme, n, r, p, salt, key, ...rest] = stored.split('$');
  const params = { N: whole(n, 2, 2 ** 24), r: whole(r, 1, 64), p: whole(p, 1, 16) };
  const saltBytes = base64(salt, SALT_BYTES, 64);
  const keyBytes = base64(key, 32, 128);
  const { N, r: blocks, p: lanes } = params;
  if (scheme !== 'scrypt' || rest.length > 0 || !saltBytes || !keyBytes) return undefined;
  if (N === undefined || blocks === undefined || lanes === undefined) return undefined;
  if ((N & (N - 1)) !== 0 || 128 * N * blocks > MAX_MEMORY) return undefined;
  return { params: { N, r: blocks, p: lanes }, salt: saltBytes, key: keyBytes };
}

/** The stored form of a password: `scrypt$32768$8$1$<salt>$<hash>`, a fresh salt each time. */
export async function hashPassword(plain: string): Promise<string> {
  if (typeof plain !== 'string') throw new TypeError('a password must be a string');
  if (plain.length > MAX_PASSWORD_LENGTH) {
    throw new RangeError(`a password may be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(plain.normalize('NFC'), salt, KEY_BYTES, CURRENT);
  const { N, r, p } = CURRENT;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Whether `plain` is the password `stored` was made from. Never throws: anything malformed (not a
 * string, too long, an unreadable or absurd stored hash, undefined) gives false — after the same
 * scrypt work as a real check, so a caller may pass a placeholder (or undefined) for an unknown
 * user and answer in the same time as for a wrong password.
 */
export async function verifyPassword(plain: unknown, stored: unknown): Promise<boolean> {
  try {
    const parsed = typeof stored === 'string' ? parse(stored) : undefined;
    if (!parsed || typeof plain !== 'string' || plain.length > MAX_PASSWORD_LENGTH) {
      await derive('', DUMMY_SALT, KEY_BYTES, CURRENT);
      return false;
    }
    const key = await derive(plain.normalize('NFC'), parsed.salt, parsed.key.length, parsed.params);
    return timingSafeEqual(key, parsed.key);
  } catch {
    return false;
  }
}

/** Whether a stored hash was made with other parameters than today's: rehash on next sign-in. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return (
    !parsed ||
    parsed.params.N !== CURRENT.N ||
    parsed.params.r !== CURRENT.r ||
    parsed.params.p !== CURRENT.p ||
    parsed.key.length !== KEY_BYTES
  );
}

/**
 * A one-time password to read out or copy: four groups of five from an alphabet without look-alike
 * characters, e.g. `k7mq2-x9fhe-3tnbw-pa4rc` (about 99 bits from node:crypto).
 */
export function generatePassword(): string {
  const group = () =>
    Array.from({ length: 5 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join(
      '',
    );
  return Array.from({ length: 4 }, group).join('-');
}
