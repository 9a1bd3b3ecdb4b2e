import type { MemberView } from './member.js';
import { foldCase } from './names.js';

/** A nickname as it was last seen, for IRC's WHOWAS. */
export interface PastNick {
  readonly user: MemberView;
  /** When the nickname was given up (quit, changed), ms since the epoch. */
  readonly at: number;
}

/** How many nicknames given up are remembered; the oldest are forgotten first. */
export const NICK_HISTORY_SIZE = 1000;

/**
 * The nicknames recently given up, here or on another node: bounded, so a stream of
 * nickname changes costs a fixed amount of memory. The oldest entries go first. Looked up by
 * a scan: WHOWAS is rare, and a thousand entries are nothing to read.
 */
export class NickHistory {
  /** Oldest first. */
  private readonly entries: (PastNick & { key: string })[] = [];

  constructor(private readonly capacity = NICK_HISTORY_SIZE) {}

  add(user: MemberView, at: number): void {
    this.entries.push({ user, at, key: foldCase(user.nick) });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  /** Up to `limit` entries for this nickname, the most recent first. */
  find(nick: string, limit = Number.POSITIVE_INFINITY): PastNick[] {
    const key = foldCase(nick);
    const found: PastNick[] = [];
    for (let i = this.entries.length - 1; i >= 0 && found.length < limit; i--) {
      const entry = this.entries[i]!;
      if (entry.key === key) found.push({ user: entry.user, at: entry.at });
    }
    return found;
  }
}
