/**
 * The SQLite store's own thread: it owns the database connection and runs every call the
 * ThreadedSqliteStore sends it, in order. better-sqlite3 is synchronous, so on the main
 * thread each commit (and, with synchronous=full, each fsync) would stall every connection;
 * here it runs on another core while the main thread keeps fanning messages out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HistoryStore } from '../../core/history.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

export type StoreMethod = Exclude<keyof HistoryStore, 'backend'>;

export interface StoreRequest {
  id: number;
  method: StoreMethod;
  args: unknown[];
}

export type StoreReply =
  | { type: 'ready' }
  | { type: 'failed-to-open'; message: string }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string };

const port = parentPort!;
let store: SqliteStore;
try {
  store = SqliteStore.open(workerData as SqliteStoreOptions);
  port.postMessage({ type: 'ready' } satisfies StoreReply);
} catch (error) {
  port.postMessage({
    type: 'failed-to-open',
    message: error instanceof Error ? error.message : String(error),
  } satisfies StoreReply);
  process.exit(1);
}

port.on('message', async (request: StoreRequest) => {
  let reply: StoreReply;
  try {
    const method = store[request.method] as (...args: unknown[]) => Promise<unknown>;
    reply = { id: request.id, ok: true, value: await method.apply(store, request.args) };
  } catch (error) {
    reply = {
      id: request.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  port.postMessage(reply);
  if (request.method === 'close') port.close();
});
