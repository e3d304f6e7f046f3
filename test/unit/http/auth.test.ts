import { scryptSync } from 'node:crypto';
import { expect } from 'chai';
import {
  generatePassword,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  needsRehash,
  verifyPassword,
} from '../../../server/http/auth/passwords.js';
import {
  newToken,
  sameToken,
  TOKEN_KINDS,
  tokenHash,
  tokenKind,
} from '../../../server/http/auth/tokens.js';

describe('auth', () => {
  describe('passwords', () => {
    let stored: string;
    before(async () => {
      stored = await hashPassword('pangyo-fire-2022');
    });

    it('stores scrypt N=2^15, r=8, p=1 with a 16-byte salt and a 64-byte key', () => {
      const [scheme, n, r, p, salt, key] = stored.split('$');
      expect([scheme, n, r, p]).to.deep.equal(['scrypt', '32768', '8', '1']);
      expect(Buffer.from(salt ?? '', 'base64')).to.have.length(16);
      expect(Buffer.from(key ?? '', 'base64')).to.have.length(64);
      expect(needsRehash(stored)).to.equal(false);
    });

    it('verifies the password it was made from and refuses any other', async () => {
      expect(await verifyPassword('pangyo-fire-2022', stored)).to.equal(true);
      expect(await verifyPassword('pangyo-fire-2023', stored)).to.equal(false);
      expect(await verifyPassword('', stored)).to.equal(false);
      expect(await verifyPassword('Pangyo-fire-2022', stored)).to.equal(false);
    });

    it('salts every hash, so one password never hashes the same twice', async () => {
      const again = await hashPassword('pangyo-fire-2022');
      expect(again).not.to.equal(stored);
      expect(await verifyPassword('pangyo-fire-2022', again)).to.equal(true);
    });

    it('matches a password typed in another Unicode normal form', async () => {
      const composed = '카카오-훈련'; // Hangul syllables (NFC)
      const decomposed = composed.normalize('NFD'); // the same, as jamo
      expect(decomposed).not.to.equal(composed);
      expect(await verifyPassword(decomposed, await hashPassword(composed))).to.equal(true);
    });

    it('answers false, never throws, for a malformed stored hash or password', async () => {
      const [, , , , salt, key] = stored.split('$');
      const malformed: unknown[] = [
        '',
        'scrypt$0$0$0$AA$AA',
        'scrypt$32768$8$1',
        `bcrypt$32768$8$1$${salt}$${key}`,
        `scrypt$32768$8$1$${salt}$${key}$extra`,
        `scrypt$30000$8$1$${salt}$${key}`, // N not a power of two
        `scrypt$1073741824$8$1$${salt}$${key}`, // asks for far too much memory
        `scrypt$32768$8$1$${salt}$not*base64`,
        `scrypt$32768$8$1$AAAA$${key}`, // salt too short
        `scrypt$-32768$8$1$${salt}$${key}`,
        `scrypt$32768$8$1$${salt}$${key?.slice(0, -3)}`, // not base64
        `scrypt$32768$8$1$${salt}$AAAAAAAA`, // key too short
        undefined,
        null,
        42,
        { toString: () => stored },
      ];
      const answers = await Promise.all(
        malformed.map((s) => verifyPassword('pangyo-fire-2022', s)),
      );
      expect(answers).to.deep.equal(malformed.map(() => false));
      expect(await verifyPassword(undefined, stored)).to.equal(false);
      expect(await verifyPassword('x'.repeat(MAX_PASSWORD_LENGTH + 1), stored)).to.equal(false);
    });

    it('verifies a hash made with other valid parameters, and says to rehash it', async () => {
      const salt = Buffer.from('a salt of 16 b..');
      const key = scryptSync('pangyo-fire-2022', salt, 32, { N: 2 ** 14, r: 8, p: 1 });
      const older = `scrypt$16384$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
      expect(await verifyPassword('pangyo-fire-2022', older)).to.equal(true);
      expect(await verifyPassword('pangyo-fire-2023', older)).to.equal(false);
      expect(needsRehash(older)).to.equal(true);
      expect(needsRehash('nonsense')).to.equal(true);
    });

    it('refuses to hash a password no one would type', async () => {
      let error: unknown;
      await hashPassword('x'.repeat(MAX_PASSWORD_LENGTH + 1)).catch((e: unknown) => {
        error = e;
      });
      expect(error).to.be.instanceOf(RangeError);
    });

    it('generates readable one-time passwords, all different', () => {
      const passwords = new Set(Array.from({ length: 1_000 }, generatePassword));
      expect(passwords.size).to.equal(1_000);
      for (const password of passwords) {
        expect(password).to.match(/^[a-hjkmnp-z2-9]{5}(?:-[a-hjkmnp-z2-9]{5}){3}$/);
      }
    });
  });

  describe('tokens', () => {
    it('makes prefixed tokens carrying 256 random bits', () => {
      for (const kind of TOKEN_KINDS) {
        const token = newToken(kind);
        expect(token.startsWith(`fd_${kind}_`)).to.equal(true);
        const secret = token.slice(`fd_${kind}_`.length);
        expect(secret).to.match(/^[A-Za-z0-9_-]{43}$/);
        expect(Buffer.from(secret, 'base64url')).to.have.length(32);
        expect(tokenKind(token)).to.equal(kind);
      }
    });

    it('never repeats a token over 10,000', () => {
      const tokens = new Set(Array.from({ length: 10_000 }, () => newToken('join')));
      expect(tokens.size).to.equal(10_000);
    });

    it('tells a token’s kind only when it is well formed', () => {
      expect(tokenKind('fd_join_short')).to.equal(undefined);
      expect(tokenKind(`fd_admin_${'A'.repeat(43)}`)).to.equal(undefined);
      expect(tokenKind(`fd_join_${'A'.repeat(43)}x`)).to.equal(undefined);
      expect(tokenKind(undefined)).to.equal(undefined);
      expect(() => newToken('admin' as never)).to.throw(RangeError);
    });

    it('hashes a token to a stable sha256 in hex', () => {
      expect(tokenHash('fd_join_example')).to.equal(
        '1ed7e7738a0ae23af4ce5fa96763cf58d5c8b47209c07b575e39858edfd251fc',
      );
      expect(tokenHash('abc')).to.equal(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
      const token = newToken('sess');
      expect(tokenHash(token))
        .to.equal(tokenHash(token))
        .and.match(/^[0-9a-f]{64}$/);
      expect(tokenHash(token)).not.to.equal(tokenHash(newToken('sess')));
    });

    it('compares tokens of any length without throwing', () => {
      const token = newToken('api');
      expect(sameToken(token, `${token}`)).to.equal(true);
      expect(sameToken(token, newToken('api'))).to.equal(false);
      expect(sameToken(token, token.slice(0, -1))).to.equal(false);
      expect(sameToken('', '')).to.equal(true);
      expect(sameToken(token, undefined)).to.equal(false);
    });
  });
});
