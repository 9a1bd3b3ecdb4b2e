import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePasswordHash, verifyPassword } from '../src/operators/password.js';
import { CLI, requireBuiltCli } from './spawned.js';
import { Tmux } from './tmux.js';

requireBuiltCli();

function run(args: string[], input?: string) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 10_000,
    ...(input === undefined ? {} : { input }),
  });
}

describe('chatroom hash-password', () => {
  it('hashes the first line piped in, for scripts', async () => {
    const result = run(['hash-password'], 'correct horse\nnot this line\n');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const hash = result.stdout.trim();
    expect(hash).toMatch(/^scrypt\$ln=15,r=8,p=1\$\S+\$\S+$/);
    expect(result.stdout).toBe(`${hash}\n`);
    expect(await verifyPassword('correct horse', parsePasswordHash(hash))).toBe(true);
    expect(await verifyPassword('not this line', parsePasswordHash(hash))).toBe(false);
    // The same password again: another salt, another hash.
    expect(run(['hash-password'], 'correct horse').stdout.trim()).not.toBe(hash);
  });

  it('refuses an empty password', () => {
    expect(run(['hash-password'], '\n')).toMatchObject({
      status: 1,
      stdout: '',
      stderr: 'chatroom: the password is empty\n',
    });
  });

  it('is described in chatroom --help and its own --help', () => {
    expect(run(['--help']).stdout).toContain('chatroom hash-password');
    const help = run(['hash-password', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: chatroom hash-password');
    expect(run(['serve', '--help']).stdout).toContain('"operators": [{"name": "alice"');
  });

  it('asks twice at a terminal, without showing what is typed', async () => {
    const terminal = await Tmux.start([process.execPath, CLI, 'hash-password'], {
      columns: 100,
      rows: 10,
    });
    await terminal.waitFor((shown) => shown.lines.at(-1) === 'Password:', 'the prompt');
    await terminal.type('tr0ub4dor&3');
    await terminal.press('Enter');
    await terminal.waitFor((shown) => shown.lines.at(-1) === 'Again:', 'the second prompt');
    await terminal.type('tr0ub4dor&3');
    await terminal.press('Enter');
    const shown = await terminal.waitFor(
      (screen) => screen.lines.some((line) => line.startsWith('scrypt$')),
      'the hash',
    );
    expect(shown.lines.join('\n')).not.toContain('tr0ub4dor');
    const hash = shown.lines.find((line) => line.startsWith('scrypt$'))!;
    expect(await verifyPassword('tr0ub4dor&3', parsePasswordHash(hash))).toBe(true);
  });

  it('says so when the two differ', async () => {
    const terminal = await Tmux.start([process.execPath, CLI, 'hash-password'], {
      columns: 100,
      rows: 10,
    });
    await terminal.waitFor((shown) => shown.lines.at(-1) === 'Password:', 'the prompt');
    await terminal.type('one');
    await terminal.press('Enter');
    await terminal.waitFor((shown) => shown.lines.at(-1) === 'Again:', 'the second prompt');
    await terminal.type('two');
    await terminal.press('Enter');
    await terminal.waitFor(
      (shown) => shown.lines.includes('chatroom: the two passwords differ'),
      'the refusal',
    );
  });
});
