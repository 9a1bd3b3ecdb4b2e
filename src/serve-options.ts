import { parseArgs } from 'node:util';
import { LOG_LEVELS, type LogLevel } from './log.js';
import { AddressSet } from './net/address.js';
import { HARD_QUEUE_FACTOR } from './net/connection.js';
import { DEFAULTS, type RoomsConfig, type ServerConfig, type StoreConfig } from './server.js';

export const SERVE_HELP = `Usage: chatroom serve [options]

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
  --public-host LIST     comma-separated host names users reach the web client by, e.g.
                         chat.example.org (default: none; localhost, this machine's name and
                         any address always work). Other names get 421: a page whose name was
                         made to point here (DNS rebinding) cannot use the server. * allows any
  --irc-port N|off       IRC door for irssi, WeeChat, HexChat and IRC bots (default ${DEFAULTS.ircPort}; 0 picks; off disables)
  --server-name NAME     the name the server gives itself on IRC (default: this host's name, now ${DEFAULTS.serverName})
  --max-line-bytes N     longest line or frame accepted, in bytes (default ${DEFAULTS.maxLineBytes}); a line door
                         connection sending ${4}x this without a newline is closed
  --max-queue-bytes N    outbound bytes a client may leave unread (default ${DEFAULTS.maxQueueBytes}): one that
                         stays further behind for --slow-client-timeout, or falls ${HARD_QUEUE_FACTOR}x this
                         behind, is disconnected; bursts the server sends at once do not count
  --slow-client-timeout SECS
                         how long a client may stay more than --max-queue-bytes behind
                         (default ${DEFAULTS.slowClientTimeoutMs / 1000})
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

Limits (per IPv4 address or IPv6 /64; see "Limits" in docs/operations.md):
  --limits-exempt LIST   comma-separated addresses and CIDR blocks spared every limit below
                         (default ${DEFAULTS.limitsExempt.join(',')}; none: nobody is spared)
  --flood-burst N        inputs (messages, commands) a connection has handled at once
                         (default ${DEFAULTS.flood.burst})...
  --flood-rate N         ...then per second (default ${DEFAULTS.flood.perSecond}; 0 turns flood control off).
                         Faster input is delayed, not dropped
  --flood-max-pending N  inputs a connection may send ahead of that rate before it is
                         disconnected for excess flood (default ${DEFAULTS.flood.maxPending})
  --max-connections-per-ip N
                         connections open at once (default ${DEFAULTS.maxConnectionsPerIp}; 0: no limit)
  --max-new-connections-per-ip N
                         new connections per minute (default ${DEFAULTS.maxNewConnectionsPerIp}; 0: no limit)
  --max-unregistered-per-ip N
                         connections without a nickname yet (default ${DEFAULTS.maxUnregisteredPerIp}; 0: no limit)

Rooms and nicknames (limits on what one user can make everyone pay for):
  --rooms-per-minute N   new rooms one connection may create a minute (default ${DEFAULTS.rooms.perMinute}; 0: no limit)
  --room-burst N         new rooms one connection may create at once (default ${DEFAULTS.rooms.burst})
  --max-rooms N          rooms the server holds at most (default ${DEFAULTS.rooms.max}; 0: no limit)
  --room-expiry MINUTES  a room empty this long with no stored messages is removed; #lobby stays
                         (default ${DEFAULTS.rooms.expiryMs / 60_000}, a day; 0 keeps rooms for ever)
  --nick-changes-per-minute N
                         nickname changes one connection may make a minute (default ${DEFAULTS.rooms.nickChangesPerMinute}; 0: no limit)
  --nick-change-burst N  nickname changes one connection may make at once (default ${DEFAULTS.rooms.nickChangeBurst})
  --summarize-joins-above N
                         rooms with more members than this tell text and web users of joins and
                         parts in one summary line (default ${DEFAULTS.rooms.summarizeJoinsAbove}; 0: every join on its own line)
  --join-summary-interval SECONDS
                         how often such a room's summary is sent (default ${DEFAULTS.rooms.summaryMs / 1000})

  --log-level LEVEL      ${LOG_LEVELS.join(', ')} (default info)
  -h, --help             this text
`;

/** A mistake on the command line: the CLI prints it with a hint and exits 2. */
export class UsageError extends Error {}

/** What `chatroom serve ARGS` asks for, checked, with every default filled in. */
export type ServeCommand =
  | { help: true }
  | { help: false; logLevel: LogLevel; config: Omit<ServerConfig, 'log'> };

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
  if (url !== undefined) checkDatabaseUrl(url);
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

/** Says what is wrong with the URL before anything tries to connect to it. */
function checkDatabaseUrl(url: string): void {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new UsageError(
      `--database-url: only PostgreSQL is supported, with a URL like postgres://user@host:5432/db${scheme ? ` (not ${scheme}://)` : ''}`,
    );
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

/** A comma-separated list of host names (no scheme, no port), or *. */
function parsePublicHosts(value: string | undefined): string[] {
  if (value === undefined) return [];
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--public-host needs at least one host name');
  for (const name of names) {
    if (
      name !== '*' &&
      !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(
        name,
      )
    ) {
      throw new UsageError(
        `--public-host: "${name}" is not a host name like chat.example.org (no scheme, no port)`,
      );
    }
  }
  return names;
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
export function parseServeArgs(args: readonly string[]): ServeCommand {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: {
      host: { type: 'string' },
      'line-port': { type: 'string' },
      'framed-port': { type: 'string' },
      'http-port': { type: 'string' },
      'allowed-origins': { type: 'string' },
      'public-host': { type: 'string' },
      'irc-port': { type: 'string' },
      'server-name': { type: 'string' },
      'max-line-bytes': { type: 'string' },
      'max-queue-bytes': { type: 'string' },
      'slow-client-timeout': { type: 'string' },
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
      'rooms-per-minute': { type: 'string' },
      'room-burst': { type: 'string' },
      'max-rooms': { type: 'string' },
      'room-expiry': { type: 'string' },
      'nick-changes-per-minute': { type: 'string' },
      'nick-change-burst': { type: 'string' },
      'summarize-joins-above': { type: 'string' },
      'join-summary-interval': { type: 'string' },
      'log-level': { type: 'string' },
      ...LIMIT_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const level = (values['log-level'] ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(level)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  }
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
  const publicHosts = parsePublicHosts(values['public-host']);
  return {
    help: false,
    logLevel: level,
    config: {
      ...limitsConfig(values),
      host: values.host ?? DEFAULTS.host,
      linePort,
      framedPort,
      httpPort,
      allowedOrigins,
      publicHosts,
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
      slowClientTimeoutMs:
        1000 *
        parsePositive(
          '--slow-client-timeout',
          values['slow-client-timeout'],
          DEFAULTS.slowClientTimeoutMs / 1000,
        ),
      nickTimeoutMs:
        1000 *
        parsePositive('--nick-timeout', values['nick-timeout'], DEFAULTS.nickTimeoutMs / 1000),
      shutdownGraceMs:
        1000 *
        parsePositive(
          '--shutdown-grace',
          values['shutdown-grace'],
          DEFAULTS.shutdownGraceMs / 1000,
        ),
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
      rooms: roomsConfig(values),
    },
  };
}

// ---- Limits against floods (src/net/flood.ts, src/net/per-ip.ts) ----

const LIMIT_FLAGS = {
  'limits-exempt': { type: 'string' },
  'flood-burst': { type: 'string' },
  'flood-rate': { type: 'string' },
  'flood-max-pending': { type: 'string' },
  'max-connections-per-ip': { type: 'string' },
  'max-new-connections-per-ip': { type: 'string' },
  'max-unregistered-per-ip': { type: 'string' },
} as const;

type LimitConfig = Pick<
  ServerConfig,
  | 'limitsExempt'
  | 'flood'
  | 'maxConnectionsPerIp'
  | 'maxNewConnectionsPerIp'
  | 'maxUnregisteredPerIp'
>;

function limitsConfig(values: { [flag in keyof typeof LIMIT_FLAGS]?: string }): LimitConfig {
  return {
    limitsExempt: parseExempt(values['limits-exempt']),
    flood: {
      ...DEFAULTS.flood,
      burst: parsePositive('--flood-burst', values['flood-burst'], DEFAULTS.flood.burst),
      perSecond: parseCount('--flood-rate', values['flood-rate'], DEFAULTS.flood.perSecond),
      maxPending: parsePositive(
        '--flood-max-pending',
        values['flood-max-pending'],
        DEFAULTS.flood.maxPending,
      ),
    },
    maxConnectionsPerIp: parseCount(
      '--max-connections-per-ip',
      values['max-connections-per-ip'],
      DEFAULTS.maxConnectionsPerIp,
    ),
    maxNewConnectionsPerIp: parseCount(
      '--max-new-connections-per-ip',
      values['max-new-connections-per-ip'],
      DEFAULTS.maxNewConnectionsPerIp,
    ),
    maxUnregisteredPerIp: parseCount(
      '--max-unregistered-per-ip',
      values['max-unregistered-per-ip'],
      DEFAULTS.maxUnregisteredPerIp,
    ),
  };
}

function parseExempt(value: string | undefined): string[] {
  if (value === undefined) return [...DEFAULTS.limitsExempt];
  if (value.trim() === 'none') return [];
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  try {
    new AddressSet(entries);
  } catch (error) {
    throw new UsageError(`--limits-exempt: ${(error as Error).message} (or none)`);
  }
  return entries;
}

// ---- rooms and nicknames limits ----
function roomsConfig(values: Record<string, string | boolean | undefined>): RoomsConfig {
  const flag = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const defaults = DEFAULTS.rooms;
  return {
    perMinute: parseCount('--rooms-per-minute', flag('rooms-per-minute'), defaults.perMinute),
    burst: parsePositive('--room-burst', flag('room-burst'), defaults.burst),
    max: parseCount('--max-rooms', flag('max-rooms'), defaults.max),
    expiryMs: 60_000 * parseCount('--room-expiry', flag('room-expiry'), defaults.expiryMs / 60_000),
    nickChangesPerMinute: parseCount(
      '--nick-changes-per-minute',
      flag('nick-changes-per-minute'),
      defaults.nickChangesPerMinute,
    ),
    nickChangeBurst: parsePositive(
      '--nick-change-burst',
      flag('nick-change-burst'),
      defaults.nickChangeBurst,
    ),
    summarizeJoinsAbove: parseCount(
      '--summarize-joins-above',
      flag('summarize-joins-above'),
      defaults.summarizeJoinsAbove,
    ),
    summaryMs:
      1000 *
      parsePositive(
        '--join-summary-interval',
        flag('join-summary-interval'),
        defaults.summaryMs / 1000,
      ),
  };
}
