import type { StoredMessage } from '../../core/history.js';

export interface RecentSendsOptions {
  /** How long a ref is remembered after its send was stored. */
  ttlMs?: number;
  /** Most refs remembered in all; the oldest are forgotten first. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  result: Promise<StoredMessage>;
  at: number;
}

/**
 * In front of the store, which keeps every send's ref with its message and is what makes a
 * retry safe across restarts (docs/history.md, "Send refs"): this process's recent refs, so a
 * retry that arrives while the first attempt is still being stored waits for it instead of
 * racing it, and a retry within a few minutes costs no store lookup.
 *
 * The sends of the last few minutes that carried a client ref, by nickname and ref: a client
 * that lost its connection before it saw the ack sends again with the same ref, and gets the
 * first send's ack instead of a second copy. Keyed by nickname because a reconnect is a new
 * connection (nicknames are unique while connected, and a ref is the client's random string,
 * so another person taking the nickname later will not hit the same ref). A retry that arrives
 * while the first attempt is still being stored waits for it. A failed send is forgotten, so
 * its retry is tried afresh. Bounded in time and in count; the map keeps insertion order, so
 * the oldest entries are at the front.
 */
export class RecentSends {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: RecentSendsOptions = {}) {
    this.ttlMs = options.ttlMs ?? 10 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The stored message for this nickname's ref: the earlier send's if there was one,
   * otherwise whatever `send` stores.
   */
  once(nickKey: string, ref: string, send: () => Promise<StoredMessage>): Promise<StoredMessage> {
    const key = `${nickKey}\n${ref}`;
    const now = this.now();
    this.expire(now);
    const known = this.entries.get(key);
    if (known) return known.result;
    const result = send();
    this.entries.set(key, { result, at: now });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    result.catch(() => {
      if (this.entries.get(key)?.result === result) this.entries.delete(key);
    });
    return result;
  }

  /** Whether a send with this ref is remembered: a retry of it will store nothing. */
  has(nickKey: string, ref: string): boolean {
    return this.entries.has(`${nickKey}\n${ref}`);
  }

  private expire(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.at < this.ttlMs) break;
      this.entries.delete(key);
    }
  }
}
