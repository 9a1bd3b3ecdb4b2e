/**
 * The chat server under test, in a process of its own so that the load generators do not
 * share its event loop. Arguments: the store (`sqlite` or `memory`) and, for sqlite, the data
 * directory (made and removed by the orchestrator, so that a killed server leaves nothing
 * behind), and BENCH_LIMITS_EXEMPT, when set, for --limits-exempt (the flood benchmark spares
 * only 127.0.0.1, so that its flooder on 127.0.0.2 meets the limits). Otherwise the server's DEFAULTS, the silent logger, and every front door it has on
 * a port of the system's choosing (line, IRC, and the WebSocket API as "json-ws"; when a door
 * is added, open it here and report its port under the door's name from bench/doors.ts).
 */
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/log.js';
import { DEFAULTS, type StoreConfig, startServer } from '../src/server.js';
import { serveServer } from './server-common.js';

export type ServerStore = 'sqlite' | 'memory';

const kind = process.argv[2] as ServerStore;
const dataDir = process.argv[3];
if (kind !== 'memory' && !dataDir) throw new Error('the sqlite store needs a data directory');
const store: StoreConfig =
  kind === 'memory'
    ? { kind: 'memory' }
    : { kind: 'sqlite', dataDir: dataDir!, synchronous: 'normal' };

const server = await startServer({
  ...DEFAULTS,
  linePort: 0,
  framedPort: null,
  httpPort: 0,
  ircPort: 0,
  log: createLogger('silent'),
  store,
  ...(process.env.BENCH_LIMITS_EXEMPT
    ? { limitsExempt: process.env.BENCH_LIMITS_EXEMPT.split(',') }
    : {}),
});

// Count the group commits and time them. The SQLite store does its work synchronously inside
// append(), so the time around the call is the store's share of the event loop.
const stats = { batches: 0, stored: 0, storeMs: 0 };
const append = server.store.append.bind(server.store);
server.store.append = (messages) => {
  const start = performance.now();
  const stored = append(messages);
  stats.storeMs += performance.now() - start;
  stats.batches++;
  stats.stored += messages.length;
  return stored;
};

serveServer(
  { line: server.port('line'), irc: server.port('irc'), 'json-ws': server.port('http') },
  () => ({ ...stats }),
);
