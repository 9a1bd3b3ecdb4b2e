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
}

export interface StoredMessage extends NewMessage {
  /** Increases by one with every message to the same target; never reused. */
  id: number;
}

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
}

export interface HistoryStore {
  /** Which backend this is, for logs and the health endpoint. */
  readonly backend: string;
  /** Stores messages atomically, in order, assigning their ids. */
  append(messages: readonly NewMessage[]): Promise<StoredMessage[]>;
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
  saveRoom(room: RoomRecord): Promise<void>;
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
