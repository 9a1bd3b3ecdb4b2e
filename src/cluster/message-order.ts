import type { ChatEvent } from '../core/events.js';
import type { Audience } from '../core/fanout.js';
import { conversationKey, type HistoryStore, type StoredMessage } from '../core/history.js';
import { foldCase } from '../core/names.js';

/** A stored message as it is told: to a room, or to one person. */
export type MessageEvent = Extract<ChatEvent, { type: 'message' } | { type: 'private' }>;

/** The store's key for where a message went: the room, or the conversation of two people. */
export function targetOf(event: MessageEvent): string {
  return event.type === 'message'
    ? foldCase(event.room)
    : conversationKey(foldCase(event.from), foldCase(event.to));
}

/** Messages read from the store per query while filling a gap. */
const FILL_PAGE = 500;
/** How soon a gap the store could not fill yet (or a failed read) is tried again. */
const RETRY_MS = 1000;
/**
 * How long a gap may stay open before it is read from the store. Two nodes storing into one
 * room commit in turn on its counter, and each delivers its own message at once: the other's
 * earlier one is usually a millisecond away in Redis. Reading it from PostgreSQL instead cost
 * a query per gap, for four in ten messages of a two-node room (BENCHMARKS.md).
 */
const GAP_GRACE_MS = 100;

interface Waiting {
  event: MessageEvent;
  audience: Audience;
  /** Stored on this node: the core has already kept it for the replay. */
  local: boolean;
}

interface TargetState {
  /** Every message up to this id has been handed to this node's members. */
  delivered: number;
  /** Messages that came ahead of one still missing, by id; bounded by maxWaiting. */
  waiting: Map<number, Waiting>;
  filling: boolean;
  retry: NodeJS.Timeout | undefined;
}

export interface MessageOrderOptions {
  history: Pick<HistoryStore, 'after' | 'lastIds'>;
  /** A message stored on this node, for its members (the core already remembered it). */
  deliverLocal(event: MessageEvent, audience: Audience): void;
  /** A message stored on another node, for this node's members (Chat.elsewhere.receive). */
  deliverRemote(event: MessageEvent, audience: Audience): void;
  /** A room's display name, to tell members of messages read back from the store. */
  roomName(key: string): string;
  /** The nickname held under a case-folded key, as it is spelled, for the same. */
  nickName(key: string): string;
  onError(error: unknown, target: string): void;
  /** Messages held per target while an earlier one is fetched; past it they are re-read. */
  maxWaiting?: number;
  /** Conversations followed at most; the least recently heard of are forgotten past it. */
  maxConversations?: number;
}

/**
 * Hands each room's messages, and each private conversation's, to this node's members exactly
 * once and in id order, whichever node stored them and however they came: by Redis, which may
 * lose or reorder them across publishers, or from PostgreSQL, which has them all. A message
 * that comes ahead of one not yet seen waits while the missing ones are read from the store;
 * a periodic check (and every reconnection to Redis) compares the last id delivered with the
 * store's, so a message that Redis lost, with nothing after it, is fetched too.
 *
 * Ids have no holes: a target's ids are reserved under a row lock in the storing transaction,
 * so they commit in id order, and by the time a message is published every earlier one is
 * readable.
 *
 * Rooms are followed from when this node learns of them. A conversation is followed from the
 * first of its messages this node sees: one lost before that, with nothing after it, is found
 * in the conversation's history but not delivered live.
 */
export class MessageOrder {
  private readonly targets = new Map<string, TargetState>();
  private readonly maxWaiting: number;
  private readonly maxConversations: number;
  private conversations = 0;
  private stopped = false;

  constructor(private readonly options: MessageOrderOptions) {
    this.maxWaiting = options.maxWaiting ?? 10_000;
    this.maxConversations = options.maxConversations ?? 100_000;
  }

  /**
   * A room whose messages up to `lastId` this node has (from the store). One followed already
   * stays as it is: what it has delivered, and what waits, is the truth.
   */
  track(roomKey: string, lastId: number): void {
    if (!this.targets.has(roomKey)) this.targets.set(roomKey, newState(lastId));
  }

  local(event: MessageEvent, audience: Audience): void {
    this.accept(targetOf(event), { event, audience, local: true });
  }

  remote(event: MessageEvent, audience: Audience): void {
    this.accept(targetOf(event), { event, audience, local: false });
  }

  /** Compares every target's last delivered id with the store's and fetches what is missing. */
  async check(): Promise<void> {
    const keys = [...this.targets.keys()];
    for (let i = 0; i < keys.length && !this.stopped; i += FILL_PAGE) {
      const stored = await this.options.history.lastIds(keys.slice(i, i + FILL_PAGE));
      for (const [key, lastId] of stored) {
        const state = this.targets.get(key);
        if (state && lastId > state.delivered) this.fill(key, state);
      }
    }
  }

  /** How many messages wait for an earlier one (for tests and health). */
  get behind(): number {
    let waiting = 0;
    for (const state of this.targets.values()) waiting += state.waiting.size;
    return waiting;
  }

  stop(): void {
    this.stopped = true;
    for (const state of this.targets.values()) clearTimeout(state.retry);
  }

  private accept(key: string, item: Waiting): void {
    const id = item.event.id;
    let state = this.targets.get(key);
    if (!state) {
      // Rooms are tracked from when this node learns of them (at start, on creating one, on
      // hearing of a new one): one that was not has had nothing delivered here. Its first
      // message to arrive need not be its first: another node's may have come in between.
      // A conversation is followed from the first message seen (its history may be long).
      state = newState(item.event.type === 'message' ? 0 : id - 1);
      if (item.event.type === 'private') this.followConversation();
      this.targets.set(key, state);
    }
    if (id <= state.delivered) return;
    if (id === state.delivered + 1 && !state.filling) {
      this.deliver(state, item);
      this.drain(state);
      return;
    }
    // Bounded: past it, what waits is dropped and read back from the store with the gap.
    if (state.waiting.size >= this.maxWaiting) state.waiting.clear();
    state.waiting.set(id, item);
    this.fillSoon(key, state);
  }

  private deliver(state: TargetState, item: Waiting): void {
    state.delivered = item.event.id;
    if (item.local) this.options.deliverLocal(item.event, item.audience);
    else this.options.deliverRemote(item.event, item.audience);
  }

  /** Delivers what waited for the messages just delivered. */
  private drain(state: TargetState): void {
    for (;;) {
      const next = state.waiting.get(state.delivered + 1);
      if (!next) break;
      state.waiting.delete(next.event.id);
      this.deliver(state, next);
    }
    for (const id of state.waiting.keys()) if (id <= state.delivered) state.waiting.delete(id);
    // The gap closed by itself (what was missing came through Redis): nothing to read.
    if (state.waiting.size === 0 && !state.filling && state.retry !== undefined) {
      clearTimeout(state.retry);
      state.retry = undefined;
    }
  }

  /** Reads the gap from the store unless what is missing arrives within GAP_GRACE_MS. */
  private fillSoon(key: string, state: TargetState): void {
    if (state.filling || state.retry !== undefined || this.stopped) return;
    state.retry = setTimeout(() => {
      state.retry = undefined;
      this.fill(key, state);
    }, GAP_GRACE_MS);
    state.retry.unref();
  }

  /** Reads the room's messages after the last delivered one from the store, in order. */
  private fill(key: string, state: TargetState): void {
    if (state.filling || this.stopped) return;
    state.filling = true;
    clearTimeout(state.retry);
    state.retry = undefined;
    void this.read(key, state)
      .catch((error: unknown) => this.options.onError(error, key))
      .finally(() => {
        state.filling = false;
        this.drain(state);
        if (state.waiting.size > 0 && !this.stopped) {
          state.retry = setTimeout(() => this.fill(key, state), RETRY_MS);
          state.retry.unref();
        }
      });
  }

  private async read(key: string, state: TargetState): Promise<void> {
    for (;;) {
      const rows = await this.options.history.after(key, state.delivered, FILL_PAGE);
      for (const row of rows) {
        if (row.id <= state.delivered) continue;
        const waiting = state.waiting.get(row.id);
        state.waiting.delete(row.id);
        this.deliver(state, waiting ?? this.fromStore(key, row));
      }
      if (rows.length < FILL_PAGE || this.stopped) return;
    }
  }

  private fromStore(key: string, row: StoredMessage): Waiting {
    const said = {
      id: row.id,
      from: row.sender,
      text: row.text,
      action: row.action,
      time: row.time,
    };
    const senderKey = foldCase(row.sender);
    if (!key.startsWith('@')) {
      return {
        event: { type: 'message', room: this.options.roomName(key), ...said },
        audience: { rooms: [key], except: senderKey, liveIn: key },
        local: false,
      };
    }
    // "@a b": the two people's keys; the one who did not write it is its recipient.
    const [first, second] = key.slice(1).split(' ') as [string, string];
    const recipientKey = first === senderKey ? second : first;
    return {
      event: { type: 'private', to: this.options.nickName(recipientKey), ...said },
      audience: { nicks: [recipientKey, senderKey] },
      local: false,
    };
  }

  /** Bounded: past the most conversations followed, the first followed is forgotten. */
  private followConversation(): void {
    if (++this.conversations <= this.maxConversations) return;
    for (const [key, state] of this.targets) {
      if (!key.startsWith('@') || state.filling || state.waiting.size > 0) continue;
      this.targets.delete(key);
      this.conversations--;
      return;
    }
  }
}

function newState(delivered: number): TargetState {
  return { delivered, waiting: new Map(), filling: false, retry: undefined };
}
