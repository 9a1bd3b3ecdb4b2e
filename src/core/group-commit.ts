import { DEFAULTS } from '../config/defaults.js';
import type { HistoryStore, NewMessage, StoredMessage } from './history.js';

/** What a stored message is relayed by, once its batch is committed (see GroupCommitter). */
export type Relay = (stored: StoredMessage) => void;

interface Pending {
  message: NewMessage;
  relay: Relay | undefined;
  resolve: (stored: StoredMessage) => void;
  reject: (error: unknown) => void;
}

export class StoreBusyError extends Error {
  constructor(limit: number) {
    super(`${limit} messages are already waiting to be stored`);
    this.name = 'StoreBusyError';
  }
}

/**
 * Collects the messages of one event-loop turn and stores them in one transaction: one
 * commit (and, with synchronous=FULL, one fsync) per batch instead of per message. One batch
 * is in flight at a time, so ids come out in the order messages were sent. What waits is
 * bounded: past maxPending, appends fail at once instead of queueing without end while the
 * database is away.
 */
/** How the last batch written to the store went. */
export interface WriteOutcome {
  ok: boolean;
  /** When it settled, ms since the epoch. */
  at: number;
  /** Why it failed: the error's code when it has one (SQLITE_FULL, ECONNREFUSED...), else its name. */
  error?: string;
}

export class GroupCommitter {
  /**
   * undefined until the first write. A store can answer reads while every write fails (a
   * full disk, a read-only file or replica), so health needs this as well as a read.
   */
  lastWrite: WriteOutcome | undefined;
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: HistoryStore,
    private readonly maxPending = DEFAULTS.maxPendingWrites,
    /**
     * Runs a committed batch's relays, all in one go: the fan-out can then send each member
     * the batch's messages together (Fanout.batch).
     */
    private readonly relayBatch: (relays: () => void) => void = (relays) => relays(),
    private readonly maxBatch = 1_000,
  ) {}

  /**
   * Stores the message with the others of this turn. `relay` is called with it once they are
   * committed, before the promise resolves, together with the rest of the batch's relays.
   */
  append(message: NewMessage, relay?: Relay): Promise<StoredMessage> {
    if (this.queue.length + this.inFlight >= this.maxPending) {
      return Promise.reject(new StoreBusyError(this.maxPending));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ message, relay, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Relays a stored batch and settles its appends. A relay that throws fails its own append
   * only; the batch's delivery failing (a bug, not the store's) fails those not yet failed,
   * with its own error: they are stored either way.
   */
  private relayAll(batch: readonly Pending[], stored: readonly StoredMessage[]): void {
    const failed = new Map<Pending, unknown>();
    try {
      this.relayBatch(() => {
        for (let i = 0; i < batch.length; i++) {
          try {
            batch[i]!.relay?.(stored[i]!);
          } catch (error) {
            failed.set(batch[i]!, error);
          }
        }
      });
    } catch (error) {
      for (const pending of batch) if (!failed.has(pending)) failed.set(pending, error);
    }
    for (let i = 0; i < batch.length; i++) {
      const pending = batch[i]!;
      if (failed.has(pending)) pending.reject(failed.get(pending));
      else pending.resolve(stored[i]!);
    }
  }

  /** Resolves once everything appended so far has been stored (or has failed). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.flush();
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return Promise.resolve();
    this.inFlight = batch.length;
    this.flushing = (async () => {
      try {
        const stored = await this.store.append(batch.map((pending) => pending.message));
        this.lastWrite = { ok: true, at: Date.now() };
        this.relayAll(batch, stored);
      } catch (error) {
        this.lastWrite = { ok: false, at: Date.now(), error: errorName(error) };
        for (const pending of batch) pending.reject(error);
      } finally {
        this.inFlight = 0;
        this.flushing = undefined;
        if (this.queue.length > 0) this.schedule();
      }
    })();
    return this.flushing;
  }
}

/** A short, stable name for a store error: its message may hold paths or addresses. */
function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return error instanceof Error ? error.name : 'Error';
}
