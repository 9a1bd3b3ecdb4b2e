import { foldCase } from '../../src/core/names.js';
import { operWords, wallopsWords } from '../../src/protocols/text/render-moderation.js';
import type { HistoryMessage, RoomInfo, ServerMessage } from '../../src/protocols/ws/protocol.js';
import type { Change } from './change.js';
import {
  type Conversation,
  type Entry,
  forgetRequests,
  insertEntry,
  newConversation,
  startLoading,
  windowIds,
} from './conversation.js';
import {
  acknowledge,
  addMessages,
  afterNewerPage,
  keepBounded,
  type Reason,
  takePage,
} from './history.js';
import { crowdChanged, joined, parted, quit, renamed } from './membership.js';
import {
  moderated,
  newRoomModeration,
  type RoomModeration,
  renameRoles,
  rolesFromMembers,
} from './moderation.js';
import { ServerClock } from './server-clock.js';

/** What the view must redraw after a change. */
export type { Change } from './change.js';
export type { Conversation, Entry } from './conversation.js';

const MAX_NOTICES_PER_EVENT = 200;

/**
 * The client's picture of the chat, built from server messages only (plus our own sends
 * while they wait for acks). Each conversation is a window of entries in server time order,
 * notices included (see sortsBefore); messages are kept by id, so one that arrives twice (a
 * join replay and a resume overlapping, a retried send) is shown once.
 */
export class ChatState {
  nick: string | undefined;
  serverName = 'chatroom';
  /** The server operator this user is (after /oper): an operator of every room. */
  serverOperator: string | undefined;
  readonly conversations = new Map<string, Conversation>();
  active: string | undefined;
  /** Every room on the server, from the last room list. */
  allRooms: RoomInfo[] = [];
  /** Away messages of people we share a room with (IRC users can set them), by folded nick. */
  readonly away = new Map<string, string>();
  /** Each room's roles and modes, by case-folded room name. */
  readonly moderation = new Map<string, RoomModeration>();
  /** Where the user had read to, from the last visit (by conversation key). */
  readonly savedLastRead = new Map<string, number>();
  /** Whether the page is on screen (a hidden tab reads nothing). */
  visible = true;
  private readonly clock: ServerClock;
  private seq = 0;
  /** The connection dropped and no welcome has come since. */
  private disconnected = false;

  constructor(now: () => number = Date.now) {
    this.clock = new ServerClock(now);
  }

  get myKey(): string | undefined {
    return this.nick === undefined ? undefined : foldCase(this.nick);
  }

  /** See ServerClock. */
  serverNow(): number {
    return this.clock.now();
  }

  private heard(time: number | undefined): number {
    return this.clock.heard(time);
  }

  /** Rooms we are in, with the last id seen in each: what a reconnect resumes. */
  resumePoints(): Array<{ room: string; after: number }> {
    return [...this.conversations.values()]
      .filter((c) => c.kind === 'room' && c.joined)
      .map((c) => ({ room: c.name, after: c.lastId }));
  }

  moderationOf(roomName: string): RoomModeration {
    const key = foldCase(roomName);
    let moderation = this.moderation.get(key);
    if (!moderation) {
      moderation = newRoomModeration();
      this.moderation.set(key, moderation);
    }
    return moderation;
  }

  conversation(name: string, kind: 'room' | 'private'): Conversation {
    const key = foldCase(name);
    let conversation = this.conversations.get(key);
    if (!conversation) {
      conversation = newConversation(key, name, kind);
      conversation.lastRead = this.savedLastRead.get(key) ?? 0;
      this.conversations.set(key, conversation);
    }
    return conversation;
  }

  activate(key: string): Change {
    const conversation = this.conversations.get(key);
    if (!conversation) return {};
    this.active = key;
    conversation.unread = 0;
    // The "new messages" line goes where the reader left off (nowhere on a first visit).
    conversation.marker = conversation.lastRead > 0 ? conversation.lastRead : undefined;
    return { conversations: true, entries: key, members: true };
  }

  /** The reader sees the live end of the active conversation: all of it is read. */
  markRead(): Change {
    const conversation = this.active ? this.conversations.get(this.active) : undefined;
    if (!conversation || !this.visible || !conversation.following || !conversation.liveEnd) {
      return {};
    }
    const before = conversation.unread + conversation.lastRead;
    conversation.lastRead = Math.max(conversation.lastRead, windowIds(conversation).last ?? 0);
    conversation.unread = 0;
    return before === conversation.lastRead ? {} : { conversations: true };
  }

  /** The page was hidden or shown again. */
  setVisible(visible: boolean): Change {
    this.visible = visible;
    const conversation = this.active ? this.conversations.get(this.active) : undefined;
    // What arrives while away gets a "new messages" line above it.
    if (!visible && conversation) conversation.marker = conversation.lastRead || undefined;
    return visible ? this.markRead() : {};
  }

  /** Closes a tab (a parted room or a private conversation). */
  close(key: string): Change {
    this.conversations.delete(key);
    if (this.active === key) this.active = this.conversations.keys().next().value;
    return { conversations: true, entries: this.active ?? '', members: true };
  }

  /** Our own message, shown at once and marked as waiting until the server acks it. */
  addPending(to: string, ref: string, text: string, action: boolean): Change {
    const conversation = this.conversation(to, to.startsWith('#') ? 'room' : 'private');
    insertEntry(conversation, {
      kind: 'message',
      id: undefined,
      ref,
      from: this.nick ?? '',
      text,
      action,
      time: this.serverNow(),
    });
    return { entries: conversation.key };
  }

  /** A send we gave up on (or the server refused): shown as failed, with the reason. */
  failPending(ref: string, reason: string): Change {
    for (const conversation of this.conversations.values()) {
      const index = conversation.entries.findIndex((e) => e.kind === 'message' && e.ref === ref);
      const entry = conversation.entries[index];
      if (entry?.kind === 'message') {
        // Replaced, not changed: the view keeps each entry's element until the entry changes.
        conversation.entries[index] = { ...entry, failed: reason };
        return { entries: conversation.key };
      }
    }
    return {};
  }

  /** A notice line; `time` is the server's when it has one (see serverNow otherwise). */
  notice(text: string, tone: 'info' | 'error' = 'info', key = this.active, time?: number): Change {
    if (key === undefined) return {};
    const conversation = this.conversations.get(key);
    if (!conversation) return {};
    const entry: Entry = { kind: 'notice', text, time: time ?? this.serverNow(), tone, seq: 0 };
    entry.seq = ++this.seq;
    // A notice far back in time, in a window that no longer reaches back there, is not kept.
    const { first } = windowIds(conversation);
    const firstEntry = conversation.entries.find((e) => e.kind === 'message' && e.id === first);
    if (firstEntry && !conversation.historyComplete && entry.time < firstEntry.time) return {};
    insertEntry(conversation, entry);
    keepBounded(conversation, this);
    return { entries: key };
  }

  /**
   * The connection dropped (`lastHeard`, our clock: when the server last said anything). What
   * is missed comes back on reconnecting, timed before "You rejoined"; a line where the gap
   * began, in each conversation we are in, keeps it from reading as said while we were
   * there. Failed attempts to reconnect are the same gap: one line until the next welcome.
   * Pages asked for on the dead connection are given up (see forgetRequests).
   */
  connectionLost(lastHeard: number): Change {
    for (const conversation of this.conversations.values()) forgetRequests(conversation);
    if (this.disconnected) return {};
    this.disconnected = true;
    const time = this.clock.at(lastHeard);
    for (const conversation of this.conversations.values()) {
      if (!conversation.joined) continue;
      this.notice('Connection lost; reconnecting…', 'info', conversation.key, time);
    }
    return { entries: this.active ?? '' };
  }

  /** See startLoading. */
  startLoading(key: string, direction: 'older' | 'newer' | 'latest') {
    const conversation = this.conversations.get(key);
    return conversation ? startLoading(conversation, direction) : undefined;
  }

  apply(message: ServerMessage): Change {
    switch (message.type) {
      case 'welcome':
        // A new connection: nothing asked on an earlier one is still to be answered.
        for (const conversation of this.conversations.values()) forgetRequests(conversation);
        this.disconnected = false;
        this.nick = message.nick;
        this.serverName = message.serverName;
        return { status: true };
      case 'message': {
        this.heard(message.time);
        const room = this.conversation(message.room, 'room');
        return this.addMessages(room, [message], 'live');
      }
      case 'private': {
        this.heard(message.time);
        const other = foldCase(message.from) === this.myKey ? message.to : message.from;
        const conversation = this.conversation(other, 'private');
        return { ...this.addMessages(conversation, [message], 'live'), conversations: true };
      }
      case 'ack':
        this.heard(message.time);
        return this.acknowledge(message.ref, message.id, message.time, message.to);
      case 'history':
        return this.history(message);
      case 'join':
        return joined(this, message, this.heard(message.time));
      case 'part':
        return parted(this, message, this.heard(message.time));
      case 'crowd':
        return crowdChanged(this, message, this.heard(message.time));
      case 'quit':
        return quit(this, message, this.heard(message.time));
      case 'nick':
        renameRoles(this, message.oldNick, message.newNick);
        return renamed(this, message.oldNick, message.newNick, this.heard(message.time));
      case 'topic': {
        const time = this.heard(message.time);
        const room = this.conversation(message.room, 'room');
        room.topic = message.topic;
        const who = foldCase(message.nick) === this.myKey ? 'You' : message.nick;
        const text = message.topic
          ? `${who} set the topic to: ${message.topic}`
          : `${who} cleared the topic`;
        return { ...this.notice(text, 'info', room.key, time), status: true };
      }
      case 'topic-is': {
        const time = this.heard(message.time);
        const room = this.conversations.get(foldCase(message.room));
        if (room) room.topic = message.topic;
        const text = message.topic
          ? `Topic of ${message.room}: ${message.topic}${message.setBy ? ` (set by ${message.setBy})` : ''}`
          : `${message.room} has no topic`;
        return { ...this.notice(text, 'info', room?.key ?? this.active, time), status: true };
      }
      case 'members': {
        const room = this.conversation(message.room, 'room');
        room.members = new Map(message.nicks.map((nick) => [foldCase(nick), nick]));
        room.memberTotal = message.total;
        this.moderationOf(message.room).roles = rolesFromMembers(message);
        return { members: true };
      }
      case 'room-list':
        // The list comes a page at a time: the first page starts it afresh, each next page
        // extends it. A page that does not follow on (an older request's) is dropped.
        if (message.offset === 0) this.allRooms = message.rooms;
        else if (message.offset === this.allRooms.length) {
          this.allRooms = [...this.allRooms, ...message.rooms];
        } else return {};
        return { rooms: true };
      case 'current-room':
        // The web client shows what the user picked; only a first room is followed.
        if (message.room !== null && this.active === undefined) {
          return this.activate(foldCase(message.room));
        }
        return {};
      case 'notice':
        return this.notice(message.text, 'info', this.active, this.heard(message.time));
      case 'error':
        if (message.ref !== null) {
          const failed = this.failPending(message.ref, message.message);
          if (failed.entries) return failed;
        }
        return this.notice(`${message.message} (${message.code})`, 'error');
      case 'away':
        if (message.message === null) this.away.delete(foldCase(message.nick));
        else this.away.set(foldCase(message.nick), message.message);
        return { members: true };
      case 'pong':
        return {};
      case 'mode':
      case 'kick':
      case 'invite':
        return moderated(this, message, this.heard(message.time));
      case 'modes-are':
      case 'sanctions':
      case 'modlog':
        return moderated(this, message, this.heard(undefined));
      // Server operators' (docs/moderation.md): shown as notices where the user is.
      case 'oper':
        this.serverOperator = message.name ?? undefined;
        return this.notice(operWords(this.serverOperator), 'info');
      case 'wallops':
        return this.notice(
          wallopsWords(message.nick, message.text),
          'info',
          this.active,
          this.heard(message.time),
        );
      case 'server-bans': {
        const change = this.notice(`Server bans (K-lines): ${message.entries.length}`, 'info');
        for (const ban of message.entries) {
          const why = ban.reason ? `: ${ban.reason}` : '';
          this.notice(`  ${ban.mask} by ${ban.setBy}${why}`, 'info');
        }
        return change;
      }
    }
  }

  private acknowledge(ref: string | null, id: number, time: number, to: string): Change {
    const conversation = this.conversations.get(foldCase(to));
    if (!conversation || ref === null) return {};
    return acknowledge(conversation, ref, id, time, this) ? { entries: conversation.key } : {};
  }

  private history(message: Extract<ServerMessage, { type: 'history' }>): Change {
    const conversation = this.conversation(message.target, message.private ? 'private' : 'room');
    if (message.reason === 'search') {
      const heading = `Found ${message.messages.length} in ${conversation.name}:`;
      this.notice(message.messages.length ? heading : 'Nothing found', 'info', conversation.key);
      for (const found of message.messages.slice(-MAX_NOTICES_PER_EVENT)) {
        const when = new Date(found.time).toLocaleString();
        this.notice(`[${when}] <${found.from}> ${found.text}`, 'info', conversation.key);
      }
      return { entries: conversation.key };
    }
    if (message.reason !== 'request') {
      return this.addMessages(conversation, message.messages, message.reason, message.gap);
    }
    const page = takePage(conversation, message);
    if (page === 'stale') return {};
    if (page === 'moved') return { entries: conversation.key };
    const gap = page === 'older' ? message.gap : null;
    const change = this.addMessages(conversation, message.messages, 'request', gap, page);
    if (page === 'newer') afterNewerPage(conversation, message);
    return change;
  }

  private addMessages(
    conversation: Conversation,
    messages: ReadonlyArray<HistoryMessage>,
    reason: Reason,
    gap: { from: number; to: number } | null = null,
    extending?: 'older' | 'newer',
  ): Change {
    if (gap) {
      const first = messages[0];
      this.notice(
        `Messages ${gap.from} to ${gap.to} are no longer kept`,
        'info',
        conversation.key,
        first ? first.time : undefined,
      );
    }
    addMessages(conversation, messages, reason, this, extending);
    return { entries: conversation.key, conversations: true };
  }
}
