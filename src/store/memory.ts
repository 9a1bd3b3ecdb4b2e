import {
  type HistoryStore,
  type NewMessage,
  REF_WINDOW_MS,
  type RetentionPolicy,
  type RoomRecord,
  type StoredMessage,
} from '../core/history.js';
import { LocalModerationStore } from '../core/moderation/local-store.js';
import { searchWords } from './search-words.js';

interface Log {
  messages: StoredMessage[];
  lastId: number;
}

/** History kept in this process only: gone on restart. For tests, benchmarks and throwaway servers. */
export class MemoryStore implements HistoryStore {
  readonly backend = 'memory';
  readonly moderation = new LocalModerationStore();
  private readonly logs = new Map<string, Log>();
  private readonly rooms = new Map<string, RoomRecord>();
  /** The message stored under each sender and ref, by `${sender}\n${ref}`. */
  private readonly refs = new Map<string, StoredMessage>();

  async append(messages: readonly NewMessage[]): Promise<StoredMessage[]> {
    return messages.map((message) => {
      const refKey = message.ref === undefined ? undefined : `${message.sender}\n${message.ref}`;
      if (refKey !== undefined) {
        const known = this.refs.get(refKey);
        if (known && known.time >= message.time - REF_WINDOW_MS) {
          return { ...withoutRef(known), repeat: true };
        }
      }
      let log = this.logs.get(message.target);
      if (!log) {
        log = { messages: [], lastId: 0 };
        this.logs.set(message.target, log);
      }
      const stored = { ...withoutRef(message), id: ++log.lastId };
      log.messages.push(stored);
      if (refKey !== undefined) this.refs.set(refKey, stored);
      return stored;
    });
  }

  async findSent(sender: string, ref: string, since: number): Promise<StoredMessage | undefined> {
    const known = this.refs.get(`${sender}\n${ref}`);
    return known && known.time >= since ? withoutRef(known) : undefined;
  }

  async latest(target: string, limit: number): Promise<StoredMessage[]> {
    const messages = this.logs.get(target)?.messages ?? [];
    return messages.slice(Math.max(0, messages.length - limit));
  }

  async before(target: string, id: number, limit: number): Promise<StoredMessage[]> {
    const older = (this.logs.get(target)?.messages ?? []).filter((message) => message.id < id);
    return older.slice(Math.max(0, older.length - limit));
  }

  async after(target: string, id: number, limit: number): Promise<StoredMessage[]> {
    return (this.logs.get(target)?.messages ?? [])
      .filter((message) => message.id > id)
      .slice(0, limit);
  }

  async search(target: string, query: string, limit: number): Promise<StoredMessage[]> {
    const words = searchWords(query);
    if (words.length === 0) return [];
    const found: StoredMessage[] = [];
    const messages = this.logs.get(target)?.messages ?? [];
    for (let i = messages.length - 1; i >= 0 && found.length < limit; i--) {
      const messageWords = new Set(searchWords(messages[i]!.text));
      if (words.every((word) => messageWords.has(word))) found.push(messages[i]!);
    }
    return found;
  }

  async firstId(target: string): Promise<number | undefined> {
    return this.logs.get(target)?.messages[0]?.id;
  }

  async lastIds(targets: readonly string[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const target of targets) {
      const log = this.logs.get(target);
      if (log) ids.set(target, log.lastId);
    }
    return ids;
  }

  async saveRoom(room: RoomRecord): Promise<void> {
    this.rooms.set(room.key, { ...room });
  }

  async createRoom(room: RoomRecord): Promise<RoomRecord> {
    let kept = this.rooms.get(room.key);
    if (!kept) {
      kept = { ...room };
      this.rooms.set(room.key, kept);
    }
    return { ...kept };
  }

  async deleteEmptyRoom(key: string): Promise<boolean> {
    if ((this.logs.get(key)?.messages.length ?? 0) > 0) return false;
    return this.rooms.delete(key);
  }

  async loadRooms(): Promise<RoomRecord[]> {
    return [...this.rooms.values()].map((room) => ({ ...room }));
  }

  async prune(policy: RetentionPolicy): Promise<number> {
    let dropped = 0;
    for (const log of this.logs.values()) {
      const before = log.messages.length;
      if (policy.olderThan !== undefined) {
        const cutoff = policy.olderThan;
        log.messages = log.messages.filter((message) => message.time >= cutoff);
      }
      if (policy.maxPerTarget !== undefined && log.messages.length > policy.maxPerTarget) {
        log.messages = log.messages.slice(log.messages.length - policy.maxPerTarget);
      }
      dropped += before - log.messages.length;
    }
    if (policy.refsOlderThan !== undefined) {
      for (const [key, stored] of this.refs) {
        if (stored.time < policy.refsOlderThan) this.refs.delete(key);
      }
    }
    return dropped;
  }

  async close(): Promise<void> {}
}

/** What the other stores read back: the message without its ref. */
function withoutRef<T extends NewMessage>(message: T): Omit<T, 'ref'> {
  const { ref: _ref, ...rest } = message;
  return rest;
}
