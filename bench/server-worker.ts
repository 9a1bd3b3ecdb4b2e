/**
 * The chat server under test, in a process of its own so that the load generators do not
 * share its event loop. Arguments: the store (`sqlite` or `memory`) and, for sqlite, the data
 * directory (made and removed by the orchestrator, so that a killed server leaves nothing
 * behind); or `serve` and flags of `chatroom serve` (a PostgreSQL node, alone or in a
 * cluster, configured as an operator would). BENCH_LIMITS_EXEMPT, when set, gives
 * --limits-exempt (the flood benchmark spares only 127.0.0.1, so that its flooder on
 * 127.0.0.2 meets the limits). Otherwise the server's DEFAULTS, the silent logger, and every
 * front door it has on a port of the system's choosing (line, IRC, and the WebSocket API as
 * "json-ws"; when a door is added, open it here and report its port under the door's name
 * from bench/doors.ts). BENCH_MODERATED, with sqlite, first stores a moderated lobby with a
 * long ban list (bench/moderated-lobby.ts); BENCH_LOBBY_HISTORY, a lobby of 50 messages that
 * every joiner is replayed (bench/lobby-history.ts).
 */
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/log.js';
import { parseServeArgs } from '../src/serve-options.js';
import { DEFAULTS, type ServerConfig, type StoreConfig, startServer } from '../src/server.js';
import { seedLobbyHistory } from './lobby-history.js';
import { seedModeratedLobby } from './moderated-lobby.js';
import { serveServer } from './server-common.js';

export type ServerStore = 'sqlite' | 'memory' | 'serve';

const kind = process.argv[2] as ServerStore;

function configured(): Omit<ServerConfig, 'log'> {
  if (kind === 'serve') {
    const command = parseServeArgs(process.argv.slice(3));
    if (command.help) throw new Error('serve: no configuration');
    return command.config;
  }
  const dataDir = process.argv[3];
  if (kind !== 'memory' && !dataDir) throw new Error('the sqlite store needs a data directory');
  const store: StoreConfig =
    kind === 'memory'
      ? { kind: 'memory' }
      : { kind: 'sqlite', dataDir: dataDir!, synchronous: 'normal' };
  return { ...DEFAULTS, store };
}

if (process.env.BENCH_MODERATED && kind === 'sqlite') await seedModeratedLobby(process.argv[3]!);
if (process.env.BENCH_LOBBY_HISTORY && kind === 'sqlite') await seedLobbyHistory(process.argv[3]!);

const server = await startServer({
  ...configured(),
  linePort: 0,
  framedPort: null,
  httpPort: 0,
  ircPort: 0,
  log: createLogger('silent'),
  ...(process.env.BENCH_LIMITS_EXEMPT
    ? { limitsExempt: process.env.BENCH_LIMITS_EXEMPT.split(',') }
    : {}),
});

// Count the group commits and time them. The SQLite store does its work synchronously inside
// append(), so the time around the call is the store's share of the event loop; PostgreSQL's
// happens elsewhere, so for it the time until the commit is done is kept too (commitMs).
const stats = { batches: 0, stored: 0, storeMs: 0, commitMs: 0, reads: 0, readRows: 0 };
const append = server.store.append.bind(server.store);
server.store.append = (messages) => {
  const start = performance.now();
  const stored = append(messages);
  stats.storeMs += performance.now() - start;
  stats.batches++;
  stats.stored += messages.length;
  stored.then(
    () => {
      stats.commitMs += performance.now() - start;
    },
    () => {},
  );
  return stored;
};

// A cluster node reads a room's messages back from the store when one came ahead of an earlier
// one it had not yet had (src/cluster/room-order.ts): count those reads.
const after = server.store.after.bind(server.store);
server.store.after = async (target, id, limit) => {
  const rows = await after(target, id, limit);
  stats.reads++;
  stats.readRows += rows.length;
  return rows;
};

const httpPort = server.port('http');

/** A node's traffic through Redis, from its /healthz (absent when it is not in a cluster). */
async function busCounters(): Promise<Record<string, number>> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
  const body = (await response.json()) as {
    cluster?: { bus: Record<string, number>; waitingMessages: number };
  };
  if (!body.cluster) return {};
  const { published, dropped, received } = body.cluster.bus;
  return {
    busPublished: published ?? 0,
    busDropped: dropped ?? 0,
    busReceived: received ?? 0,
    waitingMessages: body.cluster.waitingMessages,
  };
}

// Once now, so that loading fetch() does not land in a measured interval.
if (kind === 'serve') await busCounters();

serveServer(
  { line: server.port('line'), irc: server.port('irc'), 'json-ws': httpPort },
  kind === 'serve' ? async () => ({ ...stats, ...(await busCounters()) }) : () => ({ ...stats }),
);
