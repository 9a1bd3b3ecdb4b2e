import type { ChatEvent } from '../core/events.js';
import type { Audience } from '../core/fanout.js';
import type { HistoryStore, StoredMessage } from '../core/history.js';
import { foldCase } from '../core/names.js';

export type MessageEvent = Extract<ChatEvent, { type: 'message' }>;

/** Messages read from the store per query while filling a gap. */
const FILL_PAGE = 500;
/** How soon a gap the store could not fill yet (or a failed read) is tried again. */
const RETRY_MS = 1000;

interface Waiting {
  event: MessageEvent;
  audience: Audience;
  /** Stored on this node: the core has already kept it for the replay. */
  local: boolean;
}

interface RoomState {
  /** Every message up to this id has been handed to this node's members. */
  delivered: number;
  /** Messages that came ahead of one still missing, by id; bounded by maxWaiting. */
  waiting: Map<number, Waiting>;
  filling: boolean;
  retry: NodeJS.Timeout | undefined;
}

export interface RoomOrderOptions {
  history: Pick<HistoryStore, 'after' | 'lastIds'>;
  /** A message stored on this node, for its members (the core already remembered it). */
  deliverLocal(event: MessageEvent, audience: Audience): void;
  /** A message stored on another node, for this node's members (Chat.receive). */
  deliverRemote(event: MessageEvent, audience: Audience): void;
  /** A room's display name, to tell members of messages read back from the store. */
  roomName(key: string): string;
  onError(error: unknown, roomKey: string): void;
  /** Messages held per room while an earlier one is fetched; past it they are re-read. */
  maxWaiting?: number;
}

/**
 * Hands each room's messages to this node's members exactly once and in id order, whichever
 * node stored them and however they came: by Redis, which may lose or reorder them across
 * publishers, or from PostgreSQL, which has them all. A message that comes ahead of one not
 * yet seen waits while the missing ones are read from the store; a periodic check (and every
 * reconnection to Redis) compares the last id delivered with the store's, so a message that
 * Redis lost, with nothing after it, is fetched too.
 *
 * Ids have no holes: a room's ids are reserved under a row lock in the storing transaction,
 * so they commit in id order, and by the time a message is published every earlier one is
 * readable.
 */
export class RoomOrder {
  private readonly rooms = new Map<string, RoomState>();
  private readonly maxWaiting: number;
  private stopped = false;

  constructor(private readonly options: RoomOrderOptions) {
    this.maxWaiting = options.maxWaiting ?? 10_000;
  }

  /** A room whose messages up to `lastId` this node has (from the store, at start). */
  track(roomKey: string, lastId: number): void {
    const state = this.rooms.get(roomKey);
    if (state) state.delivered = Math.max(state.delivered, lastId);
    else this.rooms.set(roomKey, newState(lastId));
  }

  local(event: MessageEvent, audience: Audience): void {
    this.accept(foldCase(event.room), { event, audience, local: true });
  }

  remote(event: MessageEvent, audience: Audience): void {
    this.accept(foldCase(event.room), { event, audience, local: false });
  }

  /** Compares every room's last delivered id with the store's and fetches what is missing. */
  async check(): Promise<void> {
    const keys = [...this.rooms.keys()];
    for (let i = 0; i < keys.length && !this.stopped; i += FILL_PAGE) {
      const stored = await this.options.history.lastIds(keys.slice(i, i + FILL_PAGE));
      for (const [key, lastId] of stored) {
        const state = this.rooms.get(key);
        if (state && lastId > state.delivered) this.fill(key, state);
      }
    }
  }

  /** Whether any room is waiting for a message (for tests and health). */
  get behind(): number {
    let waiting = 0;
    for (const state of this.rooms.values()) waiting += state.waiting.size;
    return waiting;
  }

  stop(): void {
    this.stopped = true;
    for (const state of this.rooms.values()) clearTimeout(state.retry);
  }

  private accept(key: string, item: Waiting): void {
    const id = item.event.id;
    let state = this.rooms.get(key);
    if (!state) {
      // Rooms are tracked from when this node learns of them (at start, on creating one, on
      // hearing of a new one): one that was not has had nothing delivered here. Its first
      // message to arrive need not be its first: another node's may have come in between.
      state = newState(0);
      this.rooms.set(key, state);
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
    this.fill(key, state);
  }

  private deliver(state: RoomState, item: Waiting): void {
    state.delivered = item.event.id;
    if (item.local) this.options.deliverLocal(item.event, item.audience);
    else this.options.deliverRemote(item.event, item.audience);
  }

  /** Delivers what waited for the messages just delivered. */
  private drain(state: RoomState): void {
    for (;;) {
      const next = state.waiting.get(state.delivered + 1);
      if (!next) break;
      state.waiting.delete(next.event.id);
      this.deliver(state, next);
    }
    for (const id of state.waiting.keys()) if (id <= state.delivered) state.waiting.delete(id);
  }

  /** Reads the room's messages after the last delivered one from the store, in order. */
  private fill(key: string, state: RoomState): void {
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

  private async read(key: string, state: RoomState): Promise<void> {
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
    const room = this.options.roomName(key);
    return {
      event: {
        type: 'message',
        id: row.id,
        room,
        from: row.sender,
        text: row.text,
        action: row.action,
        time: row.time,
      },
      audience: { rooms: [key], except: foldCase(row.sender), liveIn: key },
      local: false,
    };
  }
}

function newState(delivered: number): RoomState {
  return { delivered, waiting: new Map(), filling: false, retry: undefined };
}
