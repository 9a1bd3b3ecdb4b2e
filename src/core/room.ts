import type { StoredMessage } from './history.js';
import type { Member } from './member.js';

export class Room {
  readonly members = new Set<Member>();
  topic = '';
  topicSetBy: string | undefined;
  topicSetAt: number | undefined;
  /** The newest messages broadcast here, oldest first: what a joiner is shown. */
  readonly recent: StoredMessage[] = [];
  /** The id of the last message broadcast here; everything up to it is in the store. */
  lastId = 0;
  /** When the last member left (ms since the epoch); undefined while anyone is here. */
  emptySince: number | undefined;

  constructor(
    readonly name: string,
    readonly key: string,
    readonly createdBy: string,
    readonly createdAt: number,
  ) {}

  /**
   * Keeps a message for the replay, in id order. Messages arrive in order but for two cases:
   * several server nodes storing into one room, and a room's history read while its live
   * messages came in; then one may come after a newer one, or twice.
   */
  remember(message: StoredMessage, keep: number): void {
    if (message.id > this.lastId) {
      this.lastId = message.id;
      if (keep === 0) return;
      this.recent.push(message);
    } else {
      if (keep === 0) return;
      let at = this.recent.length;
      while (at > 0 && this.recent[at - 1]!.id > message.id) at--;
      if (at > 0 && this.recent[at - 1]!.id === message.id) return;
      this.recent.splice(at, 0, message);
    }
    if (this.recent.length > keep) this.recent.shift();
  }

  /** Nicknames in the order members joined, at most `limit` of them. */
  nicks(limit = Number.POSITIVE_INFINITY): string[] {
    const nicks: string[] = [];
    for (const member of this.members) {
      if (nicks.length >= limit) break;
      if (member.nick !== undefined) nicks.push(member.nick);
    }
    return nicks;
  }
}
