import { describe, expect, it } from 'vitest';
import {
  HASH_PREFIX,
  hashPassword,
  looksLikeHash,
  parsePasswordHash,
  verifyPassword,
} from './password.js';

/** Cheap parameters, so the suite is quick; the format and the checks are the same. */
const QUICK = { ln: 10, r: 8, p: 1 };

describe('operator password hashes', () => {
  it('verify the password they were made from, and no other', async () => {
    const hash = await hashPassword('correct horse', QUICK);
    expect(hash).toMatch(/^scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    const parsed = parsePasswordHash(hash);
    expect(await verifyPassword('correct horse', parsed)).toBe(true);
    expect(await verifyPassword('correct horsE', parsed)).toBe(false);
    expect(await verifyPassword('correct horse ', parsed)).toBe(false);
    expect(await verifyPassword('', parsed)).toBe(false);
  });

  it('differ for the same password (a random salt each) and keep their parameters', async () => {
    const [a, b] = await Promise.all([hashPassword('same', QUICK), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(b.startsWith(`${HASH_PREFIX}ln=15,r=8,p=1$`)).toBe(true);
    expect(await verifyPassword('same', parsePasswordHash(a))).toBe(true);
    expect(await verifyPassword('same', parsePasswordHash(b))).toBe(true);
  });

  it('take a password typed in either Unicode form', async () => {
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    const hash = parsePasswordHash(await hashPassword(composed, QUICK));
    expect(await verifyPassword(decomposed, hash)).toBe(true);
  });

  it('refuse an empty password', async () => {
    await expect(hashPassword('', QUICK)).rejects.toThrow('empty');
  });

  it('tell a hash from a password in plain text', () => {
    expect(looksLikeHash('scrypt$ln=15,r=8,p=1$abc$def')).toBe(true);
    expect(looksLikeHash('hunter2')).toBe(false);
    expect(looksLikeHash('$2b$10$bcrypthash')).toBe(false);
  });

  const SALT = Buffer.alloc(16, 1).toString('base64url');
  const KEY = Buffer.alloc(32, 2).toString('base64url');
  it.each([
    ['hunter2', 'expected scrypt$'],
    ['scrypt$ln=15,r=8,p=1$abc', 'expected scrypt$'],
    [`bcrypt$ln=15,r=8,p=1$${SALT}$${KEY}`, 'expected scrypt$'],
    [`scrypt$ln=15,r=8$${SALT}$${KEY}`, 'no p='],
    [`scrypt$ln=15,r=8,p=1,x=2$${SALT}$${KEY}`, 'bad parameter "x=2"'],
    [`scrypt$ln=15,ln=15,r=8,p=1$${SALT}$${KEY}`, 'bad parameter "ln=15"'],
    [`scrypt$ln=9,r=8,p=1$${SALT}$${KEY}`, 'ln must be from 10 to 20'],
    [`scrypt$ln=21,r=8,p=1$${SALT}$${KEY}`, 'ln must be from 10 to 20'],
    [`scrypt$ln=20,r=32,p=16$${SALT}$${KEY}`, 'too much memory'],
    [`scrypt$ln=15,r=8,p=1$${SALT}$not+base64url`, 'the key is not base64url'],
    [`scrypt$ln=15,r=8,p=1$AAAA$${KEY}`, 'the salt must be 8 to 64 bytes'],
    [`scrypt$ln=15,r=8,p=1$${SALT}$${Buffer.alloc(8).toString('base64url')}`, 'the key must be'],
  ])('refuse the malformed hash %s', (text, why) => {
    expect(() => parsePasswordHash(text)).toThrow(why);
  });

  it('read the parameters they were made with', () => {
    expect(parsePasswordHash(`scrypt$p=2,ln=12,r=4$${SALT}$${KEY}`)).toMatchObject({
      ln: 12,
      r: 4,
      p: 2,
      salt: Buffer.alloc(16, 1),
      key: Buffer.alloc(32, 2),
    });
  });
});
