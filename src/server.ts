import { fileURLToPath } from 'node:url';
import { Cluster } from './cluster/cluster.js';
import type { RetentionConfig, ServerConfig, StoreConfig } from './config/server-config.js';
import { Chat } from './core/chat.js';
import { type HistoryStore, REF_WINDOW_MS, type RetentionPolicy } from './core/history.js';
import type { OperatorLogEntry } from './core/operators/types.js';
import { startHttp } from './http/server.js';
import type { Logger } from './log.js';
import { type Cloak, hostCloak } from './net/cloak.js';
import { type CloseListener, Connection } from './net/connection.js';
import { FlushScheduler } from './net/flush-scheduler.js';
import { type Listening, listen, openAll } from './net/listener.js';
import { ConnectionLimiter, refuseSocket } from './net/per-ip.js';
import { OperatorBook } from './operators/book.js';
import { framedCodec } from './protocols/framed/codec.js';
import { IrcDoor } from './protocols/irc/door.js';
import { IrcSession } from './protocols/irc/session.js';
import { lineCodec } from './protocols/line/codec.js';
import type { TextCodec } from './protocols/text/codec.js';
import { TextSession } from './protocols/text/session.js';
import { createWsDoor } from './protocols/ws/door.js';
import type { ChatStore } from './store/chat-store.js';
import { MemoryStore } from './store/memory.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';

export { DEFAULTS } from './config/defaults.js';
export type {
  ClusterConfig,
  RetentionConfig,
  RoomsConfig,
  ServerConfig,
  StoreConfig,
} from './config/server-config.js';

/** Where `npm run build` puts the web client: dist/web, from src/ (tests) or dist/ alike. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../dist/web', import.meta.url));

export interface RunningServer {
  readonly chat: Chat;
  readonly store: ChatStore;
  readonly doors: readonly Listening[];
  /** The bound port of a door, for tests and for the startup message. */
  port(door: string): number;
  stop(): Promise<void>;
}

/** The composition root: builds the core, opens every enabled front door, and stops them all. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const { log } = config;
  const store = await openStore(config.store, log);
  const cluster = config.cluster ? new Cluster(config.cluster, store, log) : undefined;
  try {
    await cluster?.start();
  } catch (error) {
    await cluster?.stop().catch(() => {});
    await store.close();
    throw error;
  }
  const chat = new Chat({
    ...cluster?.chatOptions(),
    history: store,
    moderation: store.moderation,
    historyOnJoin: config.historyOnJoin,
    maxPendingWrites: config.maxPendingWrites,
    maxMessageBytes: config.maxLineBytes,
    roomLimits: {
      roomCreation: { perMinute: config.rooms.perMinute, burst: config.rooms.burst },
      maxRooms: config.rooms.max,
      nickChanges: {
        perMinute: config.rooms.nickChangesPerMinute,
        burst: config.rooms.nickChangeBurst,
      },
    },
    roomExpiryMs: config.rooms.expiryMs,
    crowdNotices: {
      above: config.rooms.summarizeJoinsAbove,
      quietAbove: config.rooms.summarizeAllJoinsAbove,
      intervalMs: config.rooms.summaryMs,
    },
    ...(config.operators && config.operators.length > 0
      ? { operators: new OperatorBook(config.operators) }
      : {}),
    onOperatorLog: (entry) => logOperator(log, entry),
    onRegistryError: (error, nickKey) =>
      log.error(
        { event: 'error', nick: nickKey, err: error },
        'a nickname could not be released; it stays taken until the registry lets it go',
      ),
    onModerationStoreError: (error) =>
      log.error(
        { event: 'error', err: error },
        'a moderation read or write failed in the background (roles following a nickname, or a room learned from another node)',
      ),
    onDeliveryError: (error, member) =>
      log.error(
        { event: 'error', nick: member.nick, protocol: member.peer.protocol, err: error },
        'an event could not be delivered; the member was disconnected',
      ),
  });
  let cloak: Cloak;
  try {
    // Read once: every connection's host is cloaked with it.
    cloak = hostCloak(await cloakSecret(config, store));
    await chat.restore();
    await cluster?.attach(chat);
  } catch (error) {
    await cluster?.stop().catch(() => {});
    await store.close();
    throw error;
  }
  const pruner = startPruning(store, config.retention, log);
  const roomExpirer = startRoomExpiry(chat, log);
  const connections = new Set<Connection>();
  // One per server: a turn's output leaves in one write per socket, whatever the door.
  const flusher = new FlushScheduler();
  const connectionLimits = {
    maxQueueBytes: config.maxQueueBytes,
    slowClientTimeoutMs: config.slowClientTimeoutMs,
    lingerMs: config.shutdownGraceMs,
  };

  // ---- Limits against floods: checked at each door's accept (the WebSocket door's upgrade).
  const limiter = new ConnectionLimiter(
    {
      exempt: config.limitsExempt,
      maxConnectionsPerIp: config.maxConnectionsPerIp,
      maxNewConnectionsPerIp: config.maxNewConnectionsPerIp,
      maxUnregisteredPerIp: config.maxUnregisteredPerIp,
      flood: config.flood.perSecond > 0 ? config.flood : undefined,
    },
    log,
  );
  // ----

  const forget: CloseListener = (_reason, connection) => connections.delete(connection);
  const textDoor = (codec: TextCodec) => (socket: import('node:net').Socket) => {
    const admission = limiter.admit(socket, codec.protocol);
    if (!admission.ok) {
      const line = codec.encode([
        { kind: 'error', code: 'TOO_MANY_CONNECTIONS', text: admission.reason },
      ]);
      refuseSocket(socket, line, config.shutdownGraceMs);
      return;
    }
    const connection = new Connection(socket, codec.protocol, connectionLimits, log, flusher);
    admission.connected(connection);
    connections.add(connection);
    connection.onClose(forget);
    new TextSession(
      chat,
      codec,
      connection,
      {
        maxLineBytes: config.maxLineBytes,
        nickTimeoutMs: config.nickTimeoutMs,
        flood: admission.flood,
        cloak,
      },
      log,
    );
  };

  const ircDoor = new IrcDoor(
    chat,
    {
      serverName: config.serverName,
      motd: config.ircMotd,
      registrationTimeoutMs: config.nickTimeoutMs,
      pingIntervalMs: config.ircPingIntervalMs,
      pingTimeoutMs: config.ircPingTimeoutMs,
      version: 'chatroom',
      password: config.ircPassword,
      cloak,
    },
    log,
  );
  const ircSocket = (socket: import('node:net').Socket) => {
    const admission = limiter.admit(socket, 'irc');
    if (!admission.ok) {
      refuseSocket(
        socket,
        `ERROR :Closing Link: * (${admission.reason})\r\n`,
        config.shutdownGraceMs,
      );
      return;
    }
    const connection = new Connection(socket, 'irc', connectionLimits, log, flusher);
    admission.connected(connection);
    connections.add(connection);
    new IrcSession(ircDoor, connection, admission.flood);
    connection.onClose(forget);
  };

  const openers: { door: string; port: number; open: () => Promise<Listening> }[] = [];
  for (const [port, codec] of [
    [config.linePort, lineCodec],
    [config.framedPort, framedCodec],
  ] as const) {
    if (port !== null) {
      openers.push({
        door: codec.protocol,
        port,
        open: () => listen(codec.protocol, config.host, port, textDoor(codec)),
      });
    }
  }
  const { httpPort, ircPort } = config;
  if (httpPort !== null) {
    openers.push({
      door: 'http',
      port: httpPort,
      open: () =>
        startHttp({
          host: config.host,
          port: httpPort,
          webRoot: config.webRoot ?? DEFAULT_WEB_ROOT,
          allowedOrigins: config.allowedOrigins,
          publicHosts: config.publicHosts ?? [],
          shutdownGraceMs: config.shutdownGraceMs,
          chat,
          store,
          ...(cluster ? { clusterHealth: () => ({ ...cluster.health() }) } : {}),
          ws: createWsDoor({
            chat,
            log,
            nickTimeoutMs: config.nickTimeoutMs,
            connectionLimits,
            flusher,
            shutdownGraceMs: config.shutdownGraceMs,
            heartbeatMs: config.wsHeartbeatMs,
            admit: (socket) => limiter.admit(socket, 'ws'),
            cloak,
          }),
          log,
        }),
    });
  }
  if (ircPort !== null) {
    openers.push({
      door: 'irc',
      port: ircPort,
      open: () => listen('irc', config.host, ircPort, ircSocket),
    });
  }
  let doors: Listening[];
  try {
    doors = await openAll(config.host, openers, async () => {
      await Promise.all(
        [...connections].map((connection) => {
          connection.end('Server failed to start');
          return connection.whenClosed();
        }),
      );
    });
  } catch (error) {
    clearInterval(pruner);
    limiter.close();
    clearInterval(roomExpirer);
    chat.moderation.stop();
    await cluster?.stop().catch(() => {});
    await store.close();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    chat,
    store,
    doors,
    port(door) {
      const found = doors.find((listening) => listening.door === door);
      if (!found) throw new Error(`The ${door} door is not open`);
      return found.port;
    },
    stop() {
      stopping ??= (async () => {
        // Said first: closing the WebSocket door sends its clients their close frames.
        chat.announce('The server is shutting down. Goodbye!');
        ircDoor.closeAll('Server shutting down');
        const closingDoors = doors.map((door) => door.close());
        const closed = [...connections].map((connection) => {
          connection.end('Server shutting down');
          return connection.whenClosed();
        });
        await Promise.all([...closingDoors, ...closed]);
        clearInterval(pruner);
        limiter.close();
        clearInterval(roomExpirer);
        chat.moderation.stop();
        await chat.flush();
        // After the connections: their quits still reach the other nodes.
        await cluster?.stop();
        await store.close();
        log.info({ event: 'stopped' }, 'server stopped');
      })();
      return stopping;
    },
  };
}

/**
 * Every OPER (a failure as a warning: someone may be guessing) and what server operators do,
 * in the server's log; never a password.
 */
function logOperator(log: Logger, entry: OperatorLogEntry): void {
  const { action, ...fields } = entry;
  const record = { event: action, ...fields };
  if (action === 'oper-failed') log.warn(record, 'failed OPER attempt');
  else
    log.info(
      record,
      action === 'oper' ? 'server operator logged in' : `server operator: ${action}`,
    );
}

/**
 * The key of host cloaks: --cloak-secret, else the one the store keeps (made on first use,
 * the same for every node on the store and across restarts).
 */
async function cloakSecret(config: ServerConfig, store: ChatStore): Promise<string> {
  if (config.cloakSecret !== undefined) return config.cloakSecret;
  return store.moderation.secret('cloak');
}

async function openStore(config: StoreConfig, log: Logger): Promise<ChatStore> {
  switch (config.kind) {
    case 'sqlite':
      return SqliteStore.open({
        dataDir: config.dataDir,
        synchronous: config.synchronous,
        walLimitBytes: config.walLimitBytes,
      });
    case 'postgres':
      return PostgresStore.open({
        url: config.url,
        ...(config.schema ? { schema: config.schema } : {}),
        ...(config.queryTimeoutMs ? { queryTimeoutMs: config.queryTimeoutMs } : {}),
        onError: (error) => log.warn({ event: 'error', err: error }, 'PostgreSQL connection error'),
      });
    case 'memory':
      return new MemoryStore();
  }
}

/**
 * Prunes now and then every interval; a failure is logged and tried again next time. Runs even
 * when every message is kept: send refs past their window are forgotten, so the index of refs
 * stays the size of a day's sends.
 */
function startPruning(
  store: HistoryStore,
  retention: RetentionConfig,
  log: Logger,
): NodeJS.Timeout | undefined {
  const keepsAll = retention.days === 0 && retention.maxPerRoom === 0;
  const prune = async () => {
    const policy: RetentionPolicy = { refsOlderThan: Date.now() - REF_WINDOW_MS };
    if (retention.days > 0) policy.olderThan = Date.now() - retention.days * 24 * 60 * 60 * 1000;
    if (retention.maxPerRoom > 0) policy.maxPerTarget = retention.maxPerRoom;
    try {
      const dropped = await store.prune(policy);
      if (!keepsAll) log.info({ event: 'prune', dropped }, 'history pruned');
    } catch (error) {
      log.warn({ event: 'error', err: error }, 'history pruning failed');
    }
  };
  void prune();
  return setInterval(prune, retention.intervalMs).unref();
}

/**
 * Looks for expired rooms a few times per expiry period (at most once a minute), so a room
 * goes at most a quarter of the period late; a failure is logged and tried again next time.
 */
function startRoomExpiry(chat: Chat, log: Logger): NodeJS.Timeout | undefined {
  const expiryMs = chat.roomExpiryMs;
  if (expiryMs === 0) return undefined;
  const sweep = async () => {
    try {
      const removed = await chat.expireRooms();
      if (removed > 0) log.info({ event: 'rooms-expired', removed }, 'empty rooms expired');
    } catch (error) {
      log.warn({ event: 'error', err: error }, 'room expiry failed');
    }
  };
  return setInterval(sweep, Math.min(60_000, Math.max(10, expiryMs / 4))).unref();
}
