import type { Chat } from '../core/chat.js';
import type { HistoryStore } from '../core/history.js';

/**
 * How long one answer from the store stands for the next health checks. A load balancer asks
 * every few seconds; a client that sends /healthz in a loop (or 100,000 of them pipelined on
 * one connection) must not turn each into a query: on PostgreSQL each would take one of the
 * pool's few connections from the chat's writes.
 */
export const HEALTH_CACHE_MS = 1000;

export interface HealthReport {
  ok: boolean;
  body: Record<string, unknown>;
}

/**
 * GET /healthz's answer: degraded while the store does not answer a read, or while the last
 * write to it failed (until one succeeds again). The store is asked a real question (the oldest id of a target that
 * cannot exist, so it is cheap), at most one at a time: concurrent checks share the question
 * in flight, and its answer stands for HEALTH_CACHE_MS.
 */
export class HealthCheck {
  private readonly startedAt = Date.now();
  private answer: { reachable: boolean; at: number } | undefined;
  private checking: Promise<boolean> | undefined;
  /** The store query itself, until it settles: it may outlive its deadline. */
  private query: Promise<boolean> | undefined;

  constructor(
    private readonly store: HistoryStore,
    private readonly chat: Chat,
    /** How long the store may take before it is called unreachable. */
    private readonly timeoutMs: number,
    /**
     * A cluster node's state (its id, Redis, the other nodes). Redis away does not make the
     * node degraded: it still stores and delivers, and a balancer draining every node at
     * once would be worse; a lost lease does, as the node is disconnecting its clients.
     */
    private readonly cluster?: () => Record<string, unknown>,
  ) {}

  async report(): Promise<HealthReport> {
    const reachable = await this.reachable();
    // Read now, not cached: it costs nothing, and a write that just failed (or just
    // succeeded again) shows at once.
    const lastWrite = this.chat.lastWrite;
    const reasons: string[] = [];
    if (!reachable) reasons.push(`The store did not answer within ${this.timeoutMs} ms.`);
    if (lastWrite !== undefined && !lastWrite.ok) {
      reasons.push(`The last write to the store failed (${lastWrite.error ?? 'unknown'}).`);
    }
    const cluster = this.cluster?.();
    if (cluster?.lease === 'lost') reasons.push('This node lost its lease in the cluster.');
    const ok = reasons.length === 0;
    return {
      ok,
      body: {
        status: ok ? 'ok' : 'degraded',
        reason: ok ? null : reasons.join(' '),
        store: { backend: this.store.backend, reachable, lastWrite: lastWrite ?? null },
        members: this.chat.memberCount,
        ...(cluster ? { cluster } : {}),
        uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      },
    };
  }

  private reachable(): Promise<boolean> {
    const answer = this.answer;
    if (answer !== undefined && Date.now() - answer.at < HEALTH_CACHE_MS) {
      return Promise.resolve(answer.reachable);
    }
    this.checking ??= this.ask().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  /** Asks the store, with a deadline: a PostgreSQL that hangs is as unreachable as one that refuses. */
  private async ask(): Promise<boolean> {
    // A question past its deadline still holds a pool connection: no second one is asked
    // until it settles; the store is not answering meanwhile anyway.
    if (this.query !== undefined) return this.remember(false);
    const query = this.store.firstId('@healthz').then(
      () => true,
      () => false,
    );
    this.query = query;
    void query.then(() => {
      this.query = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.timeoutMs);
    });
    try {
      return this.remember(await Promise.race([query, deadline]));
    } finally {
      clearTimeout(timer);
    }
  }

  private remember(reachable: boolean): boolean {
    this.answer = { reachable, at: Date.now() };
    return reachable;
  }
}
