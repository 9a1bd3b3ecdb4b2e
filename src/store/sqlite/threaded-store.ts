import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  HistoryStore,
  NewMessage,
  RetentionPolicy,
  RoomRecord,
  StoredMessage,
} from '../../core/history.js';
import { StoreOpenError } from '../migrations.js';
import type { SqliteStoreOptions } from './sqlite-store.js';
import type { StoreMethod, StoreReply, StoreRequest } from './worker.js';

/**
 * The compiled worker. Run from the TypeScript sources (the tests), this module has no
 * worker.js beside it, so it uses the one `npm run build` put in dist/.
 */
function workerFile(): URL {
  const beside = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../../dist/store/sqlite/worker.js', import.meta.url);
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The SQLite store, run on a worker thread (see worker.ts). Calls are answered in the order
 * they were made; a batch is committed before its append resolves, exactly as on the main
 * thread.
 */
export class ThreadedSqliteStore implements HistoryStore {
  readonly backend = 'sqlite';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closed: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: StoreReply) => {
      if (!('id' in reply)) return;
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.value);
      else waiting?.reject(new Error(reply.message));
    });
    const failAll = (error: Error) => {
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', () => failAll(new Error('the history store thread has stopped')));
  }

  static open(options: SqliteStoreOptions): Promise<ThreadedSqliteStore> {
    const worker = new Worker(workerFile(), { workerData: options });
    return new Promise((resolve, reject) => {
      const onMessage = (reply: StoreReply) => {
        if ('type' in reply && reply.type === 'ready') {
          worker.off('message', onMessage);
          resolve(new ThreadedSqliteStore(worker));
        } else if ('type' in reply && reply.type === 'failed-to-open') {
          reject(new StoreOpenError(reply.message));
        }
      };
      worker.on('message', onMessage);
      worker.once('error', (error) => reject(new StoreOpenError(error.message, { cause: error })));
    });
  }

  append(messages: readonly NewMessage[]): Promise<StoredMessage[]> {
    return this.call('append', messages);
  }

  latest(target: string, limit: number): Promise<StoredMessage[]> {
    return this.call('latest', target, limit);
  }

  before(target: string, id: number, limit: number): Promise<StoredMessage[]> {
    return this.call('before', target, id, limit);
  }

  after(target: string, id: number, limit: number): Promise<StoredMessage[]> {
    return this.call('after', target, id, limit);
  }

  search(target: string, query: string, limit: number): Promise<StoredMessage[]> {
    return this.call('search', target, query, limit);
  }

  firstId(target: string): Promise<number | undefined> {
    return this.call('firstId', target);
  }

  saveRoom(room: RoomRecord): Promise<void> {
    return this.call('saveRoom', room);
  }

  loadRooms(): Promise<RoomRecord[]> {
    return this.call('loadRooms');
  }

  prune(policy: RetentionPolicy): Promise<number> {
    return this.call('prune', policy);
  }

  close(): Promise<void> {
    this.closed ??= this.call<void>('close').then(
      () => this.worker.terminate().then(() => undefined),
      () => this.worker.terminate().then(() => undefined),
    );
    return this.closed;
  }

  private call<T>(method: StoreMethod, ...args: unknown[]): Promise<T> {
    if (this.closed && method !== 'close') {
      return Promise.reject(new Error('the history store is closed'));
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, method, args } satisfies StoreRequest);
    });
  }
}
