import { describe, expect, it } from 'vitest';
import { OperatorBook } from './book.js';
import { hashPassword } from './password.js';

const QUICK = { ln: 10, r: 8, p: 1 };

describe('the operator book', () => {
  it('says ok, mismatch for a wrong name or password alike, or host for the wrong address', async () => {
    const book = new OperatorBook([
      { name: 'alice', password: await hashPassword('sesame', QUICK), hosts: ['*'] },
      {
        name: 'bob',
        password: await hashPassword('open', QUICK),
        hosts: ['10.0.0.0/8', '::1'],
      },
    ]);
    expect(await book.check('alice', 'sesame', '192.0.2.7')).toBe('ok');
    expect(await book.check('alice', 'sesame', undefined)).toBe('ok');
    expect(await book.check('alice', 'wrong', '192.0.2.7')).toBe('mismatch');
    expect(await book.check('carol', 'sesame', '192.0.2.7')).toBe('mismatch');
    expect(await book.check('Alice', 'sesame', '192.0.2.7')).toBe('mismatch');
    expect(await book.check('bob', 'open', '10.1.2.3')).toBe('ok');
    expect(await book.check('bob', 'open', '::ffff:10.1.2.3')).toBe('ok');
    expect(await book.check('bob', 'open', '::1')).toBe('ok');
    expect(await book.check('bob', 'open', '192.0.2.7')).toBe('host');
    expect(await book.check('bob', 'open', undefined)).toBe('host');
    // The host is told only to whoever has the password.
    expect(await book.check('bob', 'wrong', '192.0.2.7')).toBe('mismatch');
  });

  it('checks many at once, each answered', async () => {
    const book = new OperatorBook([
      { name: 'alice', password: await hashPassword('sesame', QUICK), hosts: ['*'] },
    ]);
    const tries = Array.from({ length: 9 }, (_, i) =>
      book.check(i % 3 ? 'alice' : 'nobody', i % 2 ? 'sesame' : 'x', '127.0.0.1'),
    );
    expect(await Promise.all(tries)).toEqual([
      'mismatch',
      'ok',
      'mismatch',
      'mismatch',
      'mismatch',
      'ok',
      'mismatch',
      'ok',
      'mismatch',
    ]);
  });
});
