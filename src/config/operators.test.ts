import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../operators/password.js';
import { parseServeArgs } from '../serve-options.js';
import { UsageError } from './usage-error.js';

const dir = mkdtempSync(join(tmpdir(), 'chatroom-operators-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** The operators `chatroom serve --config FILE` reads from a file holding `json`. */
function operatorsOf(json: unknown) {
  const path = join(dir, `config-${++files}.json`);
  writeFileSync(path, JSON.stringify(json));
  const command = parseServeArgs(['--config', path]);
  if (command.help) throw new Error('unexpected help');
  return command.config.operators;
}

const HASH = await hashPassword('correct horse', { ln: 10, r: 8, p: 1 });

describe('server operators in the config file', () => {
  it('are read with their hashes and hosts, anywhere by default; none without the key', () => {
    expect(
      operatorsOf({
        linePort: 0,
        operators: [
          { name: 'alice', password: HASH },
          { name: 'bob.ops', password: HASH, hosts: ['127.0.0.1', '10.0.0.0/8', '::1'] },
        ],
      }),
    ).toEqual([
      { name: 'alice', password: HASH, hosts: ['*'] },
      { name: 'bob.ops', password: HASH, hosts: ['127.0.0.1', '10.0.0.0/8', '::1'] },
    ]);
    expect(operatorsOf({ linePort: 0 })).toBeUndefined();
    expect(operatorsOf({ operators: [] })).toEqual([]);
  });

  it('refuse a password in plain text, saying how to hash it and never repeating it', () => {
    let message = '';
    try {
      operatorsOf({ operators: [{ name: 'alice', password: 'hunter2-secret' }] });
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^operators\[0\] in \S+config-\d+\.json: "password" is not a password hash\. Passwords are never kept in plain text: run `chatroom hash-password`, type the password, and put the line it prints here$/,
    );
    expect(message).not.toContain('hunter2');
  });

  it.each<[string, unknown, string | RegExp]>([
    ['not a list', { name: 'alice' }, 'operators in '],
    ['an item that is not an object', ['alice'], 'operators[0] in '],
    ['a missing name', [{ password: HASH }], '"name" must be 1 to 64 letters'],
    ['a name with a space', [{ name: 'al ice', password: HASH }], '"name" must be'],
    [
      'a name twice',
      [
        { name: 'alice', password: HASH },
        { name: 'alice', password: HASH },
      ],
      /operators\[1\] in \S+: the operator "alice" is defined twice/,
    ],
    ['no password', [{ name: 'alice' }], '"password" must be a password hash'],
    [
      'a broken hash',
      [{ name: 'alice', password: 'scrypt$ln=99,r=8,p=1$x$y' }],
      '"password" is not a valid hash (ln must be from 10 to 20); run `chatroom hash-password`',
    ],
    ['hosts that are not a list', [{ name: 'a', password: HASH, hosts: '*' }], '"hosts" must be'],
    ['no hosts at all', [{ name: 'a', password: HASH, hosts: [] }], '"hosts" must be'],
    [
      'a host name',
      [{ name: 'a', password: HASH, hosts: ['example.org'] }],
      '"hosts": "example.org" is not an IP address or CIDR block',
    ],
    ['an unknown field', [{ name: 'a', password: HASH, pass: 'x' }], 'unknown field "pass"'],
  ])('refuse %s', (_, operators, message) => {
    expect(() => operatorsOf({ operators })).toThrow(UsageError);
    expect(() => operatorsOf({ operators })).toThrow(message);
  });
});
