import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** How long the background connection lets writes gather before it checkpoints them. */
export const CHECKPOINT_INTERVAL_MS = 250;
/** The longest commits wait for a checkpoint that lets the WAL start over. */
const MAX_HOLD_MS = 2_000;
/** SQLite's own default, used again if the background connection cannot run. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1_000;

/**
 * The worker's side, plain CommonJS: an evaluated worker needs no build step, so the same
 * source runs under the tests (TypeScript) and from dist. PASSIVE never waits for the writer
 * and never makes it wait: it copies what the WAL holds up to its start, then fsyncs.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('synchronous = ' + workerData.synchronous);
let timer;
function checkpoint() {
  timer = undefined;
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ frames: result.log });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
}
parentPort.on('message', (request) => {
  if (request === 'close') {
    clearTimeout(timer);
    db.close();
    parentPort.close();
  } else if (request === 'now') {
    clearTimeout(timer);
    checkpoint();
  } else timer ??= setTimeout(checkpoint, workerData.intervalMs);
});
`;

type Reply = { frames: number } | { error: string };

export interface CheckpointerOptions {
  /** The database file, which the main connection has open in WAL mode. */
  path: string;
  synchronous: string;
  /** Past this many bytes of WAL, commits wait for one checkpoint so the WAL can start over. */
  walLimitBytes: number;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. With auto-checkpoints, every thousandth
 * page a commit copied the WAL back into the database and waited for its fsync on the main
 * thread: the store's latency tail (docs/benchmarks.md). Here a second connection in a worker
 * thread checkpoints a moment after writes, while the loop goes on relaying.
 *
 * SQLite starts the WAL over only when a write begins after a checkpoint copied all of it, which
 * under sustained writes may never happen on its own. So once the WAL is past its limit, the
 * next commit waits (without blocking the loop: the group committer keeps collecting) until a
 * checkpoint has copied everything; that commit then writes from the WAL's start.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker | undefined;
  private readonly maxFrames: number;
  private requested = false;
  private wroteSinceRequest = false;
  private hold: { promise: Promise<void>; release: () => void; timer: NodeJS.Timeout } | undefined;
  /** False once closed, or once the worker has failed and SQLite checkpoints on its own again. */
  private running = false;
  private readonly exited: Promise<void> | undefined;

  private constructor(
    private readonly db: Database.Database,
    options: CheckpointerOptions,
  ) {
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    this.maxFrames = Math.max(1, Math.floor(options.walLimitBytes / pageSize));
    db.pragma(`journal_size_limit = ${options.walLimitBytes}`);
    try {
      this.worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          driver: createRequire(import.meta.url).resolve('better-sqlite3'),
          path: options.path,
          synchronous: options.synchronous,
          intervalMs: CHECKPOINT_INTERVAL_MS,
        },
      });
    } catch {
      // Threads are unavailable: SQLite keeps checkpointing on this one, as by default.
      this.worker = undefined;
      return;
    }
    const worker = this.worker;
    db.pragma('wal_autocheckpoint = 0');
    this.running = true;
    worker.unref();
    worker.on('message', (reply: Reply) => this.answered(reply));
    worker.on('error', () => this.fallBack());
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.fallBack();
        resolve();
      }),
    );
  }

  static start(db: Database.Database, options: CheckpointerOptions): SqliteCheckpointer {
    return new SqliteCheckpointer(db, options);
  }

  /** undefined when a commit may go ahead now; else a promise of when it may. */
  ready(): Promise<void> | undefined {
    return this.hold?.promise;
  }

  /** Called after each commit: asks for a checkpoint unless one is already coming. */
  wrote(): void {
    if (!this.running) return;
    if (this.requested) {
      this.wroteSinceRequest = true;
      return;
    }
    this.requested = true;
    this.wroteSinceRequest = false;
    this.worker?.postMessage('soon');
  }

  private answered(reply: Reply): void {
    this.requested = false;
    if (this.hold) {
      // Nothing was committed while held, so that checkpoint copied the whole WAL (or failed,
      // and holding longer would not help): the next commit starts the WAL over.
      this.releaseHold();
    } else if ('frames' in reply && reply.frames > this.maxFrames) {
      // The WAL is long: writes never paused long enough after a checkpoint for it to start over.
      let release = () => {};
      const promise = new Promise<void>((resolve) => {
        release = resolve;
      });
      // A checkpoint stuck on a failing disk must not stop every write: past this, commits go
      // on and the WAL grows until a checkpoint gets through.
      const timer = setTimeout(() => this.releaseHold(), MAX_HOLD_MS).unref();
      this.hold = { promise, release, timer };
      this.requested = true;
      this.worker?.postMessage('now');
      return;
    }
    if (this.wroteSinceRequest) this.wrote();
  }

  private releaseHold(): void {
    const hold = this.hold;
    this.hold = undefined;
    if (!hold) return;
    clearTimeout(hold.timer);
    hold.release();
  }

  /** Without the worker, SQLite checkpoints on the writer's thread again, as it would by default. */
  private fallBack(): void {
    this.releaseHold();
    if (!this.running) return;
    this.running = false;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  }

  /** Stops the worker; the main connection, closing last, then checkpoints and removes the WAL. */
  async close(): Promise<void> {
    const wasRunning = this.running;
    this.running = false;
    this.releaseHold();
    if (wasRunning && this.worker) {
      // Unreferenced, the worker would let a process with nothing else to do exit before it
      // has (Node ends an unsettled top-level await with code 13).
      this.worker.ref();
      this.worker.postMessage('close');
    }
    await this.exited;
  }
}
