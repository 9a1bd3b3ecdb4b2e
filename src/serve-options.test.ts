import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
      store: { kind: 'sqlite', dataDir: 'data', synchronous: 'normal', walLimitBytes: 67_108_864 },
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

  it('reads the IRC password and the cloak secret, from flags or the environment; none by default', () => {
    expect(configOf([])).toMatchObject({ ircPassword: undefined, cloakSecret: undefined });
    expect(configOf(['--irc-password', 'sesame', '--cloak-secret', 'k3y'])).toMatchObject({
      ircPassword: 'sesame',
      cloakSecret: 'k3y',
    });
    const fromEnv = parseServeArgs([], {
      CHATROOM_IRC_PASSWORD: 'from env',
      CHATROOM_CLOAK_SECRET: 'env key',
    });
    expect(fromEnv).toMatchObject({ config: { ircPassword: 'from env', cloakSecret: 'env key' } });
    // Given empty, neither is set to nothing.
    expect(configOf(['--irc-password', '', '--cloak-secret', ''])).toMatchObject({
      ircPassword: undefined,
      cloakSecret: undefined,
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
    [
      ['--redis-url', 'redis://127.0.0.1:6379'],
      '--redis-url needs --database-url: the nodes of a cluster share their history in PostgreSQL, not in SQLite',
    ],
    [
      ['--redis-url', 'redis://r', '--database-url', 'postgres://p/db', '--store', 'memory'],
      'not in memory',
    ],
    [['--redis-url', 'http://r'], '--redis-url: expected a URL like redis://host:6379'],
    [['--node-id', 'a b'], '--node-id: use 1 to 64 letters, digits'],
  ])('refuses %j', (args, message) => {
    expect(() => parseServeArgs(args)).toThrow(UsageError);
    expect(() => parseServeArgs(args)).toThrow(message);
  });

  it('joins a cluster with --redis-url and --database-url, named by host and first port unless told', () => {
    const command = parseServeArgs([
      '--redis-url',
      'redis://10.0.0.5:6379',
      '--database-url',
      'postgres://chat@db/chat',
      '--line-port',
      'off',
      '--framed-port',
      '4001',
    ]);
    if (command.help) throw new Error('unexpected help');
    expect(command.config.cluster).toEqual({
      redisUrl: 'redis://10.0.0.5:6379',
      nodeId: `${hostname()}:4001`,
      prefix: 'chatroom',
      leaseMs: 15_000,
      checkIntervalMs: 10_000,
      maxPending: 10_000,
    });
    const named = parseServeArgs([
      ...['--redis-url', 'redis://r', '--database-url', 'postgres://p/db'],
      ...['--node-id', 'chat-2', '--node-lease', '6', '--redis-prefix', 'staging'],
    ]);
    if (named.help) throw new Error('unexpected help');
    expect(named.config.cluster).toMatchObject({
      nodeId: 'chat-2',
      leaseMs: 6000,
      prefix: 'staging',
    });
    const alone = parseServeArgs([]);
    if (alone.help) throw new Error('unexpected help');
    expect(alone.config.cluster).toBeUndefined();
  });

  it('leaves unknown flags to parseArgs, which names them', () => {
    expect(() => parseServeArgs(['--bogus'])).toThrow(/--bogus/);
  });
});

describe('chatroom serve settings from the environment and a config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatroom-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let files = 0;
  /** A config file holding `content` (JSON text, or an object to write as JSON). */
  function configFile(content: string | object): string {
    const path = join(dir, `chatroom-${++files}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }
  function configWith(args: string[], env: Record<string, string> = {}) {
    const command = parseServeArgs(args, env);
    if (command.help) throw new Error('expected a configuration, got --help');
    return command.config;
  }

  it('reads every kind of setting from the environment, by the names the table gives', () => {
    const command = parseServeArgs([], {
      CHATROOM_LINE_PORT: '0',
      CHATROOM_FRAMED_PORT: 'off',
      CHATROOM_SLOW_CLIENT_TIMEOUT: '20',
      CHATROOM_ROOM_EXPIRY: '0',
      CHATROOM_LIMITS_EXEMPT: 'none',
      CHATROOM_PUBLIC_HOST: 'chat.example.org',
      CHATROOM_DATABASE_URL: 'postgres://chat@db/chat',
      CHATROOM_LOG_LEVEL: 'warn',
      // Empty is unset, as `VAR= chatroom serve` and compose files leave it.
      CHATROOM_HTTP_PORT: '',
    });
    expect(command).toMatchObject({
      logLevel: 'warn',
      config: {
        linePort: 0,
        framedPort: null,
        httpPort: documentedPort('http'),
        slowClientTimeoutMs: 20_000,
        rooms: { expiryMs: 0 },
        limitsExempt: [],
        publicHosts: ['chat.example.org'],
        store: { kind: 'postgres', url: 'postgres://chat@db/chat' },
      },
    });
  });

  it('names the variable a bad value came from', () => {
    expect(() => parseServeArgs([], { CHATROOM_LINE_PORT: 'lots' })).toThrow(
      new UsageError('CHATROOM_LINE_PORT needs a whole number, not "lots"'),
    );
    expect(() => parseServeArgs([], { CHATROOM_STORE: 'mongo' })).toThrow(
      new UsageError('CHATROOM_STORE must be sqlite, postgres or memory'),
    );
  });

  it('reads a JSON config file whose keys are the flags in camelCase', () => {
    const path = configFile({
      linePort: 0,
      ircPort: 'off',
      maxQueueBytes: 2048,
      nickTimeout: 10,
      allowedOrigins: ['https://chat.example.org'],
      limitsExempt: 'none',
      store: 'memory',
      logLevel: 'debug',
    });
    expect(parseServeArgs(['--config', path])).toMatchObject({
      logLevel: 'debug',
      config: {
        linePort: 0,
        ircPort: null,
        maxQueueBytes: 2048,
        nickTimeoutMs: 10_000,
        allowedOrigins: ['https://chat.example.org'],
        limitsExempt: [],
        store: { kind: 'memory' },
        framedPort: documentedPort('framed'),
      },
    });
    // CHATROOM_CONFIG names it too.
    expect(configWith([], { CHATROOM_CONFIG: path }).maxQueueBytes).toBe(2048);
  });

  it('lets flags override the environment, which overrides the file, which overrides defaults', () => {
    const path = configFile({ linePort: 1111, framedPort: 2222, httpPort: 3333 });
    const env = { CHATROOM_CONFIG: path, CHATROOM_LINE_PORT: '4444', CHATROOM_FRAMED_PORT: '5555' };
    expect(configWith(['--line-port', '6666'], env)).toMatchObject({
      linePort: 6666,
      framedPort: 5555,
      httpPort: 3333,
      ircPort: documentedPort('irc'),
    });
    // --config wins over CHATROOM_CONFIG.
    const other = configFile({ httpPort: 7777 });
    expect(configWith(['--config', other], env).httpPort).toBe(7777);
  });

  it.each([
    [{ linePrt: 0 }, 'unknown setting "linePrt"'],
    [{ 'line-port': 0 }, 'unknown setting "line-port"; did you mean "linePort"?'],
    [{ linePort: '4000' }, 'linePort in PATH must be a port number or "off", not "4000"'],
    [{ maxRooms: true }, 'maxRooms in PATH must be a number, not true'],
    [{ maxQueueBytes: 0 }, 'maxQueueBytes in PATH must be greater than 0'],
    [{ historyDays: -1 }, 'historyDays in PATH needs a whole number, not "-1"'],
    [{ roomExpiry: 1.5 }, 'roomExpiry in PATH needs a whole number, not "1.5"'],
    [{ publicHost: 'chat.example.org' }, 'publicHost in PATH must be a list of strings'],
    [{ store: 'mongo' }, 'store in PATH must be sqlite, postgres or memory'],
    [{ databaseUrl: 'mysql://x' }, 'databaseUrl in PATH: only PostgreSQL is supported'],
    [['linePort'], 'PATH must hold a JSON object of settings'],
    ['{"linePort": 0,}', 'PATH is not valid JSON'],
  ])('refuses the file %j, naming the key and the file', (content, message) => {
    const path = configFile(content);
    expect(() => parseServeArgs(['--config', path])).toThrow(UsageError);
    expect(() => parseServeArgs(['--config', path])).toThrow(message.replace('PATH', path));
  });

  it('says when the file cannot be read', () => {
    const path = join(dir, 'missing.json');
    expect(() => parseServeArgs(['--config', path])).toThrow(`--config: cannot read ${path}`);
    expect(() => parseServeArgs([], { CHATROOM_CONFIG: path })).toThrow(
      `CHATROOM_CONFIG: cannot read ${path}`,
    );
  });

  it('checks rules between settings on what the sources give together', () => {
    const path = configFile({ linePort: 'off', framedPort: 'off', httpPort: 'off' });
    expect(() => parseServeArgs(['--config', path], { CHATROOM_IRC_PORT: 'off' })).toThrow(
      'every front door is off; nobody could connect',
    );
    expect(() => parseServeArgs([], { CHATROOM_STORE: 'postgres' })).toThrow(
      '--store postgres needs --database-url',
    );
  });

  it('answers --help before reading anything else', () => {
    expect(parseServeArgs(['--help'], { CHATROOM_LINE_PORT: 'lots' })).toEqual({ help: true });
  });
});
