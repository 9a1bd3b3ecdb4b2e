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

  remember(message: StoredMessage, keep: number): void {
    this.lastId = message.id;
    if (keep === 0) return;
    this.recent.push(message);
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
