#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runClient } from './client/client.js';
import { createLogger, LOG_LEVELS, type LogLevel } from './log.js';
import { DEFAULTS, type StoreConfig, startServer } from './server.js';
import { StoreOpenError } from './store/migrations.js';

const MAIN_HELP = `chatroom: a chat server with several front doors onto the same rooms, and its terminal client.

Usage:
  chatroom serve [options]                     run the server
  chatroom connect [HOST] [PORT] --nick NAME   chat from this terminal
  chatroom --help                              this text
  chatroom COMMAND --help                      every option of serve or connect

Quick start:
  chatroom serve                 # line door on 127.0.0.1:${DEFAULTS.linePort}, framed on :${DEFAULTS.framedPort}, IRC on :${DEFAULTS.ircPort},
                                 # web client and WebSocket API on http://127.0.0.1:${DEFAULTS.httpPort}/
  chatroom connect --nick alice  # in another terminal (or: nc 127.0.0.1 ${DEFAULTS.linePort})
`;

const SERVE_HELP = `Usage: chatroom serve [options]

Runs the chat server. Every front door leads to the same rooms and nicknames. When ready it
prints one line per open door, e.g. "line listening on 127.0.0.1:${DEFAULTS.linePort}"; logs are JSON lines on stderr.
SIGINT or SIGTERM tells every client the server is shutting down, flushes and exits 0.

Options:
  --host ADDR            address to listen on (default ${DEFAULTS.host}; 0.0.0.0 serves a LAN)
  --line-port N|off      line door for netcat/telnet (default ${DEFAULTS.linePort}; 0 picks a free port; off disables it)
  --framed-port N|off    the tutorials' 10-byte length-framed door (default ${DEFAULTS.framedPort}; 0 picks; off disables)
  --http-port N|off      the web client at /, the JSON WebSocket API at /ws and GET /healthz
                         (default ${DEFAULTS.httpPort}; 0 picks; off disables)
  --allowed-origins LIST comma-separated origins browsers may open the WebSocket from, e.g.
                         https://chat.example.org; * allows any (default: the page's own origin only;
                         other programs, which send no Origin header, are always let in)
  --irc-port N|off       IRC door for irssi, WeeChat, HexChat and IRC bots (default ${DEFAULTS.ircPort}; 0 picks; off disables)
  --server-name NAME     the name the server gives itself on IRC (default: this host's name, now ${DEFAULTS.serverName})
  --max-line-bytes N     longest line or frame accepted, in bytes (default ${DEFAULTS.maxLineBytes}); a line door
                         connection sending ${4}x this without a newline is closed
  --max-queue-bytes N    outbound bytes a client may leave unread before it is disconnected
                         (default ${DEFAULTS.maxQueueBytes})
  --nick-timeout SECS    seconds a new connection has to choose a nickname (default ${DEFAULTS.nickTimeoutMs / 1000})
  --shutdown-grace SECS  seconds shutdown waits for clients to read their last messages (default ${DEFAULTS.shutdownGraceMs / 1000})

History (every message is stored before anyone receives it):
  --data-dir DIR         where the SQLite history lives, created if absent (default ./${DEFAULTS.dataDir})
  --database-url URL     keep history in PostgreSQL instead (postgres://user@host:5432/db)
  --store KIND           sqlite, postgres or memory (default: postgres with --database-url, else sqlite;
                         memory forgets everything on restart)
  --sqlite-synchronous MODE
                         normal (default: survives a crash of the server, may lose the last
                         commits to a power cut) or full (fsync every commit: survives that too)
  --history-on-join N    messages shown to whoever joins a room (default ${DEFAULTS.historyOnJoin}; 0 shows none)
  --history-days N       drop messages older than N days (default 0: keep for ever)
  --history-max-per-room N
                         keep at most N messages per room or conversation (default 0: no limit)
  --max-pending-writes N messages that may wait to be stored (say, while PostgreSQL is away)
                         before senders get an error at once (default ${DEFAULTS.maxPendingWrites})

  --log-level LEVEL      ${LOG_LEVELS.join(', ')} (default info)
  -h, --help             this text
`;

const CONNECT_HELP = `Usage: chatroom connect [HOST] [PORT] --nick NAME

Chats from this terminal through the server's line door. Incoming messages never garble the
line you are typing; the prompt shows your current room. If the server goes away, the client
says so, reconnects with growing pauses (1 s up to 30 s), rejoins your rooms and shows, once,
what was said in them while you were away. /commands are passed to the server (/help lists
them). /quit, Ctrl-D or Ctrl-C exits.

Arguments:
  HOST                   server address (default 127.0.0.1)
  PORT                   its line door port (default ${DEFAULTS.linePort})

Options:
  -n, --nick NAME        your nickname (asked for if missing)
  --no-color             plain output (also when NO_COLOR is set or output is not a terminal)
  -h, --help             this text
`;

class UsageError extends Error {}
/** A problem with the machine rather than the command line: reported plainly, exit 1. */
class StartupError extends Error {}

function parseCount(flag: string, value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : parseInteger(flag, value);
}

function storeConfig(values: {
  store?: string;
  'data-dir'?: string;
  'database-url'?: string;
  'sqlite-synchronous'?: string;
}): StoreConfig {
  const url = values['database-url'];
  const kind = values.store ?? (url ? 'postgres' : 'sqlite');
  const synchronous = values['sqlite-synchronous'] ?? 'normal';
  if (synchronous !== 'normal' && synchronous !== 'full') {
    throw new UsageError('--sqlite-synchronous must be normal or full');
  }
  switch (kind) {
    case 'sqlite':
      return { kind, dataDir: values['data-dir'] ?? DEFAULTS.dataDir, synchronous };
    case 'postgres':
      if (!url) throw new UsageError('--store postgres needs --database-url');
      return { kind, url };
    case 'memory':
      return { kind };
    default:
      throw new UsageError('--store must be sqlite, postgres or memory');
  }
}

function parsePort(flag: string, value: string | undefined, fallback: number): number | null {
  if (value === undefined) return fallback;
  if (value === 'off') return null;
  const port = parseInteger(flag, value);
  if (port > 65535) throw new UsageError(`${flag} must be a port number (0-65535) or "off"`);
  return port;
}

function parseInteger(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number, not "${value}"`);
  return Number(value);
}

function parsePositive(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = parseInteger(flag, value);
  if (number === 0) throw new UsageError(`${flag} must be greater than 0`);
  return number;
}

/** A comma-separated list of origins as browsers send them (scheme://host[:port]), or *. */
function parseOrigins(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const origins = value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.length === 0) throw new UsageError('--allowed-origins needs at least one origin');
  for (const origin of origins) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin) {
      throw new UsageError(
        `--allowed-origins: "${origin}" is not an origin like https://chat.example.org`,
      );
    }
  }
  return origins;
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      host: { type: 'string' },
      'line-port': { type: 'string' },
      'framed-port': { type: 'string' },
      'http-port': { type: 'string' },
      'allowed-origins': { type: 'string' },
      'irc-port': { type: 'string' },
      'server-name': { type: 'string' },
      'max-line-bytes': { type: 'string' },
      'max-queue-bytes': { type: 'string' },
      'nick-timeout': { type: 'string' },
      'shutdown-grace': { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      store: { type: 'string' },
      'sqlite-synchronous': { type: 'string' },
      'history-on-join': { type: 'string' },
      'history-days': { type: 'string' },
      'history-max-per-room': { type: 'string' },
      'max-pending-writes': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return;
  }
  const level = (values['log-level'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const log = createLogger(level);
  const store = storeConfig(values);
  const linePort = parsePort('--line-port', values['line-port'], DEFAULTS.linePort);
  const framedPort = parsePort('--framed-port', values['framed-port'], DEFAULTS.framedPort);
  const httpPort = parsePort('--http-port', values['http-port'], DEFAULTS.httpPort);
  const ircPort = parsePort('--irc-port', values['irc-port'], DEFAULTS.ircPort);
  const serverName = values['server-name'] ?? DEFAULTS.serverName;
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(serverName) || serverName.length > 63) {
    throw new UsageError('--server-name must be a host name: letters, digits, "." and "-"');
  }
  if (linePort === null && framedPort === null && httpPort === null && ircPort === null) {
    throw new UsageError('every front door is off; nobody could connect');
  }
  const allowedOrigins = parseOrigins(values['allowed-origins']);
  const server = await startServer({
    host: values.host ?? DEFAULTS.host,
    linePort,
    framedPort,
    httpPort,
    allowedOrigins,
    ircPort,
    serverName,
    ircPingIntervalMs: DEFAULTS.ircPingIntervalMs,
    ircPingTimeoutMs: DEFAULTS.ircPingTimeoutMs,
    ircMotd: DEFAULTS.ircMotd,
    maxLineBytes: parsePositive(
      '--max-line-bytes',
      values['max-line-bytes'],
      DEFAULTS.maxLineBytes,
    ),
    maxQueueBytes: parsePositive(
      '--max-queue-bytes',
      values['max-queue-bytes'],
      DEFAULTS.maxQueueBytes,
    ),
    nickTimeoutMs:
      1000 * parsePositive('--nick-timeout', values['nick-timeout'], DEFAULTS.nickTimeoutMs / 1000),
    shutdownGraceMs:
      1000 *
      parsePositive('--shutdown-grace', values['shutdown-grace'], DEFAULTS.shutdownGraceMs / 1000),
    store,
    maxPendingWrites: parsePositive(
      '--max-pending-writes',
      values['max-pending-writes'],
      DEFAULTS.maxPendingWrites,
    ),
    historyOnJoin: parseCount(
      '--history-on-join',
      values['history-on-join'],
      DEFAULTS.historyOnJoin,
    ),
    retention: {
      days: parseCount('--history-days', values['history-days'], DEFAULTS.retention.days),
      maxPerRoom: parseCount(
        '--history-max-per-room',
        values['history-max-per-room'],
        DEFAULTS.retention.maxPerRoom,
      ),
      intervalMs: DEFAULTS.retention.intervalMs,
    },
    log,
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL') {
      throw new UsageError(`cannot listen: ${error.message}`);
    }
    if (error instanceof StoreOpenError) throw new StartupError(error.message);
    throw error;
  });
  // Handlers go in before the doors are announced: whoever reads that line may signal at once.
  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    log.info({ event: 'signal', signal }, 'shutting down');
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  for (const door of server.doors) {
    process.stdout.write(`${door.door} listening on ${door.host}:${door.port}\n`);
  }
}

async function connect(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      nick: { type: 'string', short: 'n' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(CONNECT_HELP);
    return;
  }
  if (positionals.length > 2) throw new UsageError('connect takes at most HOST and PORT');
  const port = positionals[1] === undefined ? DEFAULTS.linePort : Number(positionals[1]);
  if (!/^\d+$/.test(positionals[1] ?? '1') || port < 1 || port > 65535) {
    throw new UsageError('PORT must be a port number (1-65535)');
  }
  const code = await runClient({
    host: positionals[0] ?? DEFAULTS.host,
    port,
    nick: values.nick,
    color: !values['no-color'] && !process.env.NO_COLOR && process.stdout.isTTY === true,
  });
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'connect':
      return connect(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(MAIN_HELP);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage =
    error instanceof UsageError ||
    (error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS'));
  if (usage) {
    process.stderr.write(`chatroom: ${(error as Error).message}\nTry "chatroom --help".\n`);
    process.exit(2);
  }
  if (error instanceof StartupError) {
    process.stderr.write(`chatroom: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `chatroom: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
