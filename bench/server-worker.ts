/**
 * The chat server under test, in a process of its own so that the load generator
 * (bench/main.ts) does not share its event loop. Started with the store kind as argument; says
 * { port } once listening; answers 'mark' with its CPU time and event-loop utilisation so far;
 * stops cleanly on 'stop'.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../src/log.js';
import { DEFAULTS, type StoreConfig, startServer } from '../src/server.js';

export type ServerStore = 'sqlite' | 'memory';

export type WorkerMessage =
  | { type: 'listening'; port: number }
  | {
      type: 'mark';
      cpuMs: number;
      elu: { idle: number; active: number };
      /** store.append calls (one per group commit), messages they carried, ms spent in them. */
      batches: number;
      stored: number;
      storeMs: number;
    }
  | { type: 'stopped' };

const kind = process.argv[2] as ServerStore;
const dir = kind !== 'memory' ? mkdtempSync(join(tmpdir(), 'chatroom-bench-')) : undefined;
const store: StoreConfig = dir
  ? { kind: 'sqlite', dataDir: dir, synchronous: 'normal' }
  : { kind: 'memory' };

const server = await startServer({
  ...DEFAULTS,
  linePort: 0,
  framedPort: null,
  log: createLogger('silent'),
  store,
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

const reply = (message: WorkerMessage) => process.send!(message);

process.on('message', (message: string) => {
  if (message === 'mark') {
    const cpu = process.cpuUsage();
    const { idle, active } = performance.eventLoopUtilization();
    reply({ type: 'mark', cpuMs: (cpu.user + cpu.system) / 1000, elu: { idle, active }, ...stats });
  } else if (message === 'stop') {
    void server.stop().finally(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      process.send!({ type: 'stopped' } satisfies WorkerMessage, () => process.exit(0));
    });
  }
});

reply({ type: 'listening', port: server.port('line') });
