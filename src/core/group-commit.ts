import type { HistoryStore, NewMessage, StoredMessage } from './history.js';

interface Pending {
  message: NewMessage;
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
export class GroupCommitter {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly store: HistoryStore,
    private readonly maxPending = 10_000,
    private readonly maxBatch = 1_000,
  ) {}

  append(message: NewMessage): Promise<StoredMessage> {
    if (this.queue.length + this.inFlight >= this.maxPending) {
      return Promise.reject(new StoreBusyError(this.maxPending));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.schedule();
    });
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
        for (const [i, pending] of batch.entries()) pending.resolve(stored[i]!);
      } catch (error) {
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
