import { historyEvent } from './events.js';
import { conversationKey, type HistoryStore, type StoredMessage } from './history.js';
import type { Member } from './member.js';
import { checkNick, checkRoomName, foldCase } from './names.js';
import { type Presence, requireNick } from './presence.js';
import type { Rooms } from './rooms.js';
import { readOrFail } from './store-access.js';

/** The most messages one history, search or resume request returns. */
export const MAX_HISTORY_PAGE = 500;

export interface HistoryPage {
  /** The room's name, or for a private conversation the other person's nickname. */
  target: string;
  isPrivate: boolean;
  messages: readonly StoredMessage[];
  more: boolean;
}

/** Reading back what was said: pages, a time's place, search, and resuming a room. */
export class HistoryReading {
  constructor(
    private readonly history: HistoryStore,
    private readonly rooms: Rooms,
    private readonly presence: Presence,
  ) {}

  /**
   * Reads back a room's messages (or a private conversation's, when `target` is a
   * nickname): the latest `limit`, the `limit` before an id, or the `limit` after one.
   */
  async show(
    member: Member,
    target: string | undefined,
    options: { before?: number; after?: number; limit: number },
  ): Promise<void> {
    const page = await this.read(member, target, options);
    member.send(
      historyEvent(page.target, page.isPrivate, 'request', page.messages, undefined, page.more),
    );
  }

  /**
   * A page of a room's messages (or a private conversation's), oldest first: the latest
   * `limit`; or the `limit` just before `before`; or the first `limit` after `after`; or, with
   * both, the first `limit` strictly between them. `more` says the page was cut short.
   */
  async read(
    member: Member,
    target: string | undefined,
    query: { before?: number; after?: number; limit: number },
  ): Promise<HistoryPage> {
    const { key, name, isPrivate } = this.target(member, target);
    const limit = clampPage(query.limit);
    const { before, after } = query;
    let page: StoredMessage[];
    let newestFirst = true;
    if (after !== undefined) {
      newestFirst = false;
      page = await readOrFail(() => this.history.after(key, after, limit + 1));
      if (before !== undefined) page = page.filter((message) => message.id < before);
    } else if (before !== undefined) {
      page = await readOrFail(() => this.history.before(key, before, limit + 1));
    } else {
      page = await readOrFail(() => this.history.latest(key, limit + 1));
    }
    // Nicknames are not accounts (yet): whoever holds "bob" now may not be who talked as bob
    // yesterday, so a private conversation shows only what was said since this connection
    // took its nickname.
    if (isPrivate) page = page.filter((message) => message.time >= member.registeredAt);
    const more = page.length > limit;
    // The extra message read to learn whether there is more is the one furthest from the anchor.
    if (more) page = newestFirst ? page.slice(1) : page.slice(0, limit);
    return { target: name, isPrivate, messages: page, more };
  }

  /**
   * The id of the first message of a room (or conversation) said at or after `time`, or one
   * past the last message if none was. The store is indexed by id, and ids follow time, so
   * this is a binary search of single-message reads: about log2(messages) of them.
   */
  async idAtTime(member: Member, target: string | undefined, time: number): Promise<number> {
    const { key } = this.target(member, target);
    const first = await readOrFail(() => this.history.firstId(key));
    if (first === undefined) return 1;
    const last = (await readOrFail(() => this.history.latest(key, 1)))[0]?.id ?? first;
    let low = first;
    let high = last + 1;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      // The first message kept at or after `middle` (retention may have left gaps).
      const [probe] = await readOrFail(() => this.history.after(key, middle - 1, 1));
      if (probe === undefined || probe.id >= high || probe.time >= time) high = middle;
      else low = probe.id + 1;
    }
    return low;
  }

  async search(member: Member, roomName: string | undefined, query: string): Promise<void> {
    const room = this.rooms.memberRoom(member, roomName);
    const found = await readOrFail(() => this.history.search(room.key, query, 20));
    member.send(historyEvent(room.name, false, 'search', found.reverse(), undefined, false));
  }

  /**
   * Everything in a room after `afterId`, once and in order, then the live stream: for a
   * client coming back after losing its connection. Joins the room (without the usual
   * replay) if needed. Live messages that arrive while the store is read are held back and
   * delivered after the replay.
   */
  async resume(member: Member, roomName: string, afterId: number): Promise<void> {
    requireNick(member);
    const invalid = checkRoomName(roomName);
    if (invalid) throw invalid;
    const existing = this.rooms.find(roomName);
    const room = existing?.members.has(member)
      ? existing
      : await this.rooms.join(member, roomName, { replay: false });
    // Everything up to here has been broadcast, so is in the store; later ones come live.
    const upTo = room.lastId;
    if (afterId >= upTo || member.gone) {
      member.send(historyEvent(room.name, false, 'resume', [], undefined, false));
      return;
    }
    member.held ??= new Map();
    member.held.set(room.key, []);
    try {
      const page = (
        await readOrFail(() => this.history.after(room.key, afterId, MAX_HISTORY_PAGE + 1))
      ).filter((message) => message.id <= upTo);
      const more = page.length > MAX_HISTORY_PAGE;
      const messages = more ? page.slice(0, MAX_HISTORY_PAGE) : page;
      const firstKept = messages[0]?.id ?? upTo + 1;
      const gap = firstKept > afterId + 1 ? { from: afterId + 1, to: firstKept - 1 } : undefined;
      member.send(historyEvent(room.name, false, 'resume', messages, gap, more));
    } finally {
      const held = member.held?.get(room.key) ?? [];
      member.held?.delete(room.key);
      if (member.held?.size === 0) member.held = undefined;
      for (const event of held) member.send(event);
    }
  }

  private target(
    member: Member,
    target: string | undefined,
  ): { key: string; name: string; isPrivate: boolean } {
    if (target === undefined || target.startsWith('#')) {
      const room = this.rooms.memberRoom(member, target);
      return { key: room.key, name: room.name, isPrivate: false };
    }
    requireNick(member);
    const invalid = checkNick(target);
    if (invalid) throw invalid;
    const other = this.presence.find(target)?.nick ?? target;
    return {
      key: conversationKey(member.nickKey!, foldCase(target)),
      name: other,
      isPrivate: true,
    };
  }
}

function clampPage(limit: number): number {
  return Math.max(1, Math.min(MAX_HISTORY_PAGE, Math.floor(limit)));
}
