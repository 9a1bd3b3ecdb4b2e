import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseServeArgs, UsageError } from './serve-options.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The default port the README's flag table promises for a door. */
function documentedPort(door: string): number {
  const row = new RegExp(`^\\| \`--${door}-port N\\\\\\|off\` \\| \`(\\d+)\``, 'm').exec(README);
  if (!row) throw new Error(`README.md has no default for --${door}-port`);
  return Number(row[1]);
}

function configOf(args: string[]) {
  const command = parseServeArgs(args);
  if (command.help) throw new Error('expected a configuration, got --help');
  return command.config;
}

describe('chatroom serve options', () => {
  // The defaults the README promises, read by parsing, never by binding: a test that bound
  // them would fail whenever the README's `npm start` is running.
  it('defaults to the documented doors and SQLite in ./data', () => {
    const config = configOf([]);
    expect(config).toMatchObject({
      host: '127.0.0.1',
      linePort: documentedPort('line'),
      framedPort: documentedPort('framed'),
      httpPort: documentedPort('http'),
      ircPort: documentedPort('irc'),
      maxLineBytes: 8192,
      maxQueueBytes: 1048576,
      slowClientTimeoutMs: 15_000,
      nickTimeoutMs: 30_000,
      shutdownGraceMs: 5_000,
      historyOnJoin: 50,
      maxPendingWrites: 10_000,
      store: { kind: 'sqlite', dataDir: 'data', synchronous: 'normal' },
      retention: { days: 0, maxPerRoom: 0 },
    });
    expect(parseServeArgs(['--log-level', 'warn'])).toMatchObject({ logLevel: 'warn' });
    expect(parseServeArgs(['-h'])).toEqual({ help: true });
  });

  it('reads ports, off and 0', () => {
    const config = configOf(['--line-port', '0', '--framed-port', 'off', '--irc-port', '7000']);
    expect(config).toMatchObject({
      linePort: 0,
      framedPort: null,
      httpPort: documentedPort('http'),
      ircPort: 7000,
    });
  });

  it('reads the public host names', () => {
    expect(configOf([]).publicHosts).toEqual([]);
    expect(configOf(['--public-host', 'chat.example.org, chat.example.net']).publicHosts).toEqual([
      'chat.example.org',
      'chat.example.net',
    ]);
    expect(configOf(['--public-host', '*']).publicHosts).toEqual(['*']);
  });

  it.each([
    ['postgres://chat@db.example.org:5432/chat'],
    ['postgresql://chat@db.example.org/chat'],
    ['postgres:///chat?host=/var/run/postgresql'],
  ])('takes a PostgreSQL URL (%s)', (url) => {
    expect(configOf(['--database-url', url]).store).toEqual({ kind: 'postgres', url });
  });

  it.each([
    [['--line-port', 'lots'], '--line-port needs a whole number, not "lots"'],
    [['--http-port', '70000'], '--http-port must be a port number (0-65535) or "off"'],
    [
      ['--line-port', 'off', '--framed-port', 'off', '--http-port', 'off', '--irc-port', 'off'],
      'every front door is off; nobody could connect',
    ],
    [['--allowed-origins', 'example.org'], '"example.org" is not an origin'],
    [['--server-name', 'not a host name'], '--server-name must be a host name'],
    [
      ['--public-host', 'https://chat.example.org'],
      '"https://chat.example.org" is not a host name',
    ],
    [['--public-host', 'chat.example.org:443'], 'no scheme, no port'],
    [['--public-host', ','], '--public-host needs at least one host name'],
    [['--store', 'postgres'], '--store postgres needs --database-url'],
    [['--store', 'mongo'], '--store must be sqlite, postgres or memory'],
    [['--sqlite-synchronous', 'off'], '--sqlite-synchronous must be normal or full'],
    [['--max-queue-bytes', '0'], '--max-queue-bytes must be greater than 0'],
    [['--log-level', 'loud'], '--log-level must be one of'],
    [
      ['--database-url', 'mysql://x'],
      '--database-url: only PostgreSQL is supported, with a URL like postgres://user@host:5432/db (not mysql://)',
    ],
    [['--database-url', 'x'], '--database-url: only PostgreSQL is supported'],
  ])('refuses %j', (args, message) => {
    expect(() => parseServeArgs(args)).toThrow(UsageError);
    expect(() => parseServeArgs(args)).toThrow(message);
  });

  it('leaves unknown flags to parseArgs, which names them', () => {
    expect(() => parseServeArgs(['--bogus'])).toThrow(/--bogus/);
  });
});
