import { foldCase } from '../../src/core/names.js';
import type { ClientMessage } from '../../src/protocols/ws/protocol.js';

export interface PendingJoin {
  room: string;
  key?: string;
  /** The user asked for it (not a restore): the view opens the room once joined. */
  open: boolean;
}

/** Joins unanswered at most; older ones are forgotten (their errors are then shown plainly). */
const MAX_PENDING = 50;

/**
 * The joins this page asked for, by the ref each carries: a refusal (a key needed, invite
 * only, banned, full) comes back as an error with that ref, which says which room it was
 * about and whether a key was given; a success comes back as our own `join` event.
 */
export class JoinRequests {
  private readonly byRef = new Map<string, PendingJoin>();
  private next = 0;

  request(room: string, options: { key?: string; open: boolean }): ClientMessage {
    const ref = `join-${++this.next}`;
    const pending: PendingJoin = { room, open: options.open };
    if (options.key !== undefined) pending.key = options.key;
    this.byRef.set(ref, pending);
    if (this.byRef.size > MAX_PENDING) this.byRef.delete(this.byRef.keys().next().value!);
    return { type: 'join', room, ...(options.key === undefined ? {} : { key: options.key }), ref };
  }

  /** The join an error answers (forgotten now), or undefined if it answers something else. */
  refused(ref: string | null): PendingJoin | undefined {
    if (ref === null) return undefined;
    const pending = this.byRef.get(ref);
    this.byRef.delete(ref);
    return pending;
  }

  /** We joined the room: forgets its joins, and says whether the user asked to open it. */
  joined(room: string): boolean {
    const key = foldCase(room);
    let open = false;
    for (const [ref, pending] of this.byRef) {
      if (foldCase(pending.room) !== key) continue;
      open ||= pending.open;
      this.byRef.delete(ref);
    }
    return open;
  }

  /** A new connection: nothing asked on the old one will be answered. */
  reset(): void {
    this.byRef.clear();
  }
}
