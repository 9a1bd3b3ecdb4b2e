/**
 * Durable history behind a small interface: the core asks for messages to be kept and read
 * back, and never sees SQL. A "target" is where a message went: a room key ("#lobby") or a
 * private conversation key (see conversationKey).
 */
export interface NewMessage {
  /** Case-folded room name, or a conversation key. */
  target: string;
  sender: string;
  text: string;
  action: boolean;
  /** Server time, ms since the epoch. */
  time: number;
  /**
   * The client's key for this send (the WebSocket `ref`), so a retry is stored once: an append
   * whose sender already stored a message with this ref within REF_WINDOW_MS of `time` stores
   * nothing and reports that message instead (see StoredMessage.repeat).
   */
  ref?: string;
}

export interface StoredMessage extends NewMessage {
  /** Increases by one with every message to the same target; never reused. */
  id: number;
  /**
   * Set by append when this is the message the sender stored earlier under the same ref:
   * nothing new was stored, and it must not be relayed again.
   */
  repeat?: true;
}

/**
 * A message as stored under its id. Spelled out rather than spread: in the SQLite store's
 * profile, `{ ...message, id }` was a tenth of an append.
 */
export function storedMessage(message: NewMessage, id: number): StoredMessage {
  const stored: StoredMessage = {
    target: message.target,
    sender: message.sender,
    text: message.text,
    action: message.action,
    time: message.time,
    id,
  };
  if (message.ref !== undefined) stored.ref = message.ref;
  return stored;
}

/**
 * How long a send's ref is remembered, from the time of the message that carried it. Longer
 * than any restart or reconnect a client would retry across; past it the ref may be pruned, and
 * a send with the same ref is stored as a new message.
 */
export const REF_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface RoomRecord {
  key: string;
  name: string;
  topic: string;
  topicSetBy: string | undefined;
  topicSetAt: number | undefined;
  createdBy: string;
  createdAt: number;
}

export interface RetentionPolicy {
  /** Messages older than this (ms since the epoch) are dropped. */
  olderThan?: number;
  /** At most this many of the newest messages are kept per target. */
  maxPerTarget?: number;
  /** Refs of messages older than this are forgotten (the messages stay). */
  refsOlderThan?: number;
}

export interface HistoryStore {
  /** Which backend this is, for logs and the health endpoint. */
  readonly backend: string;
  /**
   * Stores messages atomically, in order, assigning their ids. A message whose (sender, ref)
   * was stored within REF_WINDOW_MS before its time, earlier or in the same batch, is not
   * stored again: its place in the result holds the first message, marked `repeat`.
   */
  append(messages: readonly NewMessage[]): Promise<StoredMessage[]>;
  /**
   * The message `sender` stored under `ref` at or after `since`, if any: lets a retry that
   * could not be sent now (its room left, its recipient gone) learn that it was sent before.
   */
  findSent(sender: string, ref: string, since: number): Promise<StoredMessage | undefined>;
  /** The newest `limit` messages, oldest first. */
  latest(target: string, limit: number): Promise<StoredMessage[]>;
  /** The `limit` messages just before `id`, oldest first. */
  before(target: string, id: number, limit: number): Promise<StoredMessage[]>;
  /** The first `limit` messages after `id`, oldest first. */
  after(target: string, id: number, limit: number): Promise<StoredMessage[]>;
  /** Messages matching all the words of `query`, newest first. */
  search(target: string, query: string, limit: number): Promise<StoredMessage[]>;
  /** The id of the oldest message still kept, if any. */
  firstId(target: string): Promise<number | undefined>;
  /**
   * The id of the newest message stored to each target, kept or pruned since; targets never
   * written to are absent. It counts committed messages only, and every id below it is stored
   * too (ids have no gaps), so a server whose last relayed id is lower has missed messages.
   */
  lastIds(targets: readonly string[]): Promise<Map<string, number>>;
  /** Stores a room's record, replacing the one with its key (a topic was set). */
  saveRoom(room: RoomRecord): Promise<void>;
  /**
   * Stores a room's record unless one with its key is stored, and returns the record kept.
   * With several servers on one store, the first to create a room decides its name, creator
   * and topic; the others take that record instead of overwriting it.
   */
  createRoom(room: RoomRecord): Promise<RoomRecord>;
  loadRooms(): Promise<RoomRecord[]>;
  /**
   * Deletes a room's record unless messages are stored for it (checked in the same step, so
   * a message stored meanwhile keeps it); says whether it was deleted.
   */
  deleteEmptyRoom(key: string): Promise<boolean>;
  /** Drops what the policy no longer keeps; returns how many messages went. */
  prune(policy: RetentionPolicy): Promise<number>;
  close(): Promise<void>;
}

/** The target of a private conversation: the same for both people, whoever writes. */
export function conversationKey(nickKeyA: string, nickKeyB: string): string {
  return nickKeyA < nickKeyB ? `@${nickKeyA} ${nickKeyB}` : `@${nickKeyB} ${nickKeyA}`;
}
