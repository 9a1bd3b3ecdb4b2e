import { type NewMessage, REF_WINDOW_MS, type StoredMessage } from '../core/history.js';

/** The key of a sender's ref: refs are the sender's own, so another's same ref is another send. */
export function refKey(sender: string, ref: string): string {
  return `${sender}\n${ref}`;
}

/** The (sender, ref) pairs of a batch's messages that carry a ref, each once. */
export function refsOf(messages: readonly NewMessage[]): { senders: string[]; refs: string[] } {
  const senders: string[] = [];
  const refs: string[] = [];
  const seen = new Set<string>();
  for (const message of messages) {
    if (message.ref === undefined) continue;
    const key = refKey(message.sender, message.ref);
    if (seen.has(key)) continue;
    seen.add(key);
    senders.push(message.sender);
    refs.push(message.ref);
  }
  return { senders, refs };
}

/** What a batch with refs comes to, given the messages already stored under its refs. */
export interface RefPlan {
  /** The messages to store. */
  fresh: NewMessage[];
  /** Per message of the batch: undefined if fresh, else the stored one or the batch index it repeats. */
  repeatOf: Array<StoredMessage | number | undefined>;
  /** Stored messages whose ref is past the window: their ref is cleared before the new one goes in. */
  stale: StoredMessage[];
}

/**
 * Decides which messages of a batch repeat an earlier send of the same sender and ref: one
 * stored within the window before the message's time, or one earlier in the same batch.
 * `known` holds the stored messages under the batch's refs, keyed by refKey.
 */
export function planRefs(
  messages: readonly NewMessage[],
  known: ReadonlyMap<string, StoredMessage>,
  windowMs = REF_WINDOW_MS,
): RefPlan {
  const fresh: NewMessage[] = [];
  const repeatOf: RefPlan['repeatOf'] = new Array(messages.length);
  const stale: StoredMessage[] = [];
  const inBatch = new Map<string, number>();
  for (const [i, message] of messages.entries()) {
    if (message.ref !== undefined) {
      const key = refKey(message.sender, message.ref);
      const earlier = inBatch.get(key);
      if (earlier !== undefined) {
        repeatOf[i] = earlier;
        continue;
      }
      const stored = known.get(key);
      if (stored && stored.time >= message.time - windowMs) {
        repeatOf[i] = stored;
        continue;
      }
      if (stored) stale.push(stored);
      inBatch.set(key, i);
    }
    fresh.push(message);
  }
  return { fresh, repeatOf, stale };
}

/** The batch's results in its order: the fresh messages as stored, the repeats marked. */
export function mergeRefs(plan: RefPlan, stored: readonly StoredMessage[]): StoredMessage[] {
  const results: StoredMessage[] = new Array(plan.repeatOf.length);
  let next = 0;
  for (const [i, repeat] of plan.repeatOf.entries()) {
    if (repeat === undefined) results[i] = stored[next++]!;
    else {
      const first = typeof repeat === 'number' ? results[repeat]! : repeat;
      const { ref: _ref, repeat: _repeat, ...message } = first;
      results[i] = { ...message, repeat: true };
    }
  }
  return results;
}

/** Whether any message of the batch carries a ref: without one, nothing here is needed. */
export function hasRefs(messages: readonly NewMessage[]): boolean {
  for (const message of messages) if (message.ref !== undefined) return true;
  return false;
}
