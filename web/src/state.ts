import { foldCase } from '../../src/core/names.js';
import type { HistoryMessage, RoomInfo, ServerMessage } from '../../src/protocols/ws/protocol.js';

/** One line of a conversation as shown: a chat message, or a notice (join, part, topic...). */
export type Entry =
  | {
      kind: 'message';
      /** Undefined while our own send waits for its ack. */
      id: number | undefined;
      /** Our own send's ref, until acknowledged. */
      ref: string | undefined;
      from: string;
      text: string;
      action: boolean;
      time: number;
      failed?: string;
    }
  | { kind: 'notice'; text: string; time: number; tone: 'info' | 'error' };

export interface Conversation {
  /** Folded name: "#dev", or for a private conversation the other person's folded nick. */
  key: string;
  name: string;
  kind: 'room' | 'private';
  entries: Entry[];
  ids: Set<number>;
  /** The newest message id seen (what a resume starts from). */
  lastId: number;
  unread: number;
  /** Members by folded nick, with their spelling; for rooms only. */
  members: Map<string, string>;
  /** More members than listed (a big room lists only the first few on joining). */
  memberTotal: number;
  topic: string;
  /** Whether paging back has reached the first message still kept. */
  historyComplete: boolean;
  loadingHistory: boolean;
  /** Still a member (rooms); parted rooms stay readable until closed. */
  joined: boolean;
}

/** What the view must redraw after a change. */
export interface Change {
  conversations?: boolean;
  /** Entries of this conversation changed. */
  entries?: string;
  /** Whether the change to entries was only additions at the end (keeps the reader's place). */
  appended?: boolean;
  /** Entries were added at the start (history paged back). */
  prepended?: boolean;
  members?: boolean;
  status?: boolean;
  rooms?: boolean;
}

const MAX_NOTICES_PER_EVENT = 200;

/**
 * The client's picture of the chat, built from server messages only (plus our own sends
 * while they wait for acks). Messages are kept by id, so a message that arrives twice (a join
 * replay and a resume overlapping, a retried send) is shown once; they are kept in id order,
 * which is the server's order, whatever order they arrive in.
 */
export class ChatState {
  nick: string | undefined;
  serverName = 'chatroom';
  readonly conversations = new Map<string, Conversation>();
  active: string | undefined;
  /** Every room on the server, from the last room list. */
  allRooms: RoomInfo[] = [];
  /** Away messages of people we share a room with (IRC users can set them), by folded nick. */
  readonly away = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  get myKey(): string | undefined {
    return this.nick === undefined ? undefined : foldCase(this.nick);
  }

  /** Rooms we are in, with the last id seen in each: what a reconnect resumes. */
  resumePoints(): Array<{ room: string; after: number }> {
    return [...this.conversations.values()]
      .filter((c) => c.kind === 'room' && c.joined)
      .map((c) => ({ room: c.name, after: c.lastId }));
  }

  conversation(name: string, kind: 'room' | 'private'): Conversation {
    const key = foldCase(name);
    let conversation = this.conversations.get(key);
    if (!conversation) {
      conversation = {
        key,
        name,
        kind,
        entries: [],
        ids: new Set(),
        lastId: 0,
        unread: 0,
        members: new Map(),
        memberTotal: 0,
        topic: '',
        historyComplete: false,
        loadingHistory: false,
        joined: kind === 'private',
      };
      this.conversations.set(key, conversation);
    }
    return conversation;
  }

  activate(key: string): Change {
    const conversation = this.conversations.get(key);
    if (!conversation) return {};
    this.active = key;
    conversation.unread = 0;
    return { conversations: true, entries: key, members: true };
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
    conversation.entries.push({
      kind: 'message',
      id: undefined,
      ref,
      from: this.nick ?? '',
      text,
      action,
      time: this.now(),
    });
    return { entries: conversation.key, appended: true };
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

  notice(text: string, tone: 'info' | 'error' = 'info', key = this.active): Change {
    if (key === undefined) return {};
    const conversation = this.conversations.get(key);
    if (!conversation) return {};
    conversation.entries.push({ kind: 'notice', text, time: this.now(), tone });
    return { entries: key, appended: true };
  }

  apply(message: ServerMessage): Change {
    switch (message.type) {
      case 'welcome':
        this.nick = message.nick;
        this.serverName = message.serverName;
        return { status: true };
      case 'message': {
        const room = this.conversation(message.room, 'room');
        return this.addMessages(room, [message], 'live');
      }
      case 'private': {
        const other = foldCase(message.from) === this.myKey ? message.to : message.from;
        const conversation = this.conversation(other, 'private');
        return { ...this.addMessages(conversation, [message], 'live'), conversations: true };
      }
      case 'ack':
        return this.acknowledge(message.ref, message.id, message.time, message.to);
      case 'history':
        return this.history(message);
      case 'join': {
        const room = this.conversation(message.room, 'room');
        const you = foldCase(message.nick) === this.myKey;
        if (you) {
          room.joined = true;
          room.members.clear();
          if (this.active === undefined) this.activate(room.key);
        }
        room.members.set(foldCase(message.nick), message.nick);
        room.memberTotal = Math.max(room.memberTotal + (you ? 0 : 1), room.members.size);
        const text = you ? `You joined ${room.name}` : `${message.nick} joined`;
        return { ...this.notice(text, 'info', room.key), members: true, conversations: true };
      }
      case 'part': {
        const room = this.conversation(message.room, 'room');
        const you = foldCase(message.nick) === this.myKey;
        if (you) room.joined = false;
        room.members.delete(foldCase(message.nick));
        room.memberTotal = Math.max(0, room.memberTotal - 1);
        const reason = message.reason ? ` (${message.reason})` : '';
        const text = you ? `You left ${room.name}${reason}` : `${message.nick} left${reason}`;
        return { ...this.notice(text, 'info', room.key), members: true, conversations: true };
      }
      case 'quit': {
        const key = foldCase(message.nick);
        const change: Change = { members: true };
        this.away.delete(key);
        for (const conversation of this.conversations.values()) {
          const inRoom = conversation.members.delete(key);
          if (inRoom) conversation.memberTotal = Math.max(0, conversation.memberTotal - 1);
          if (inRoom || (conversation.kind === 'private' && conversation.key === key)) {
            this.notice(
              `${message.nick} left the chat${message.reason ? ` (${message.reason})` : ''}`,
              'info',
              conversation.key,
            );
            change.entries = conversation.key === this.active ? conversation.key : change.entries;
          }
        }
        return { ...change, appended: true };
      }
      case 'nick':
        return this.renamed(message.oldNick, message.newNick);
      case 'topic': {
        const room = this.conversation(message.room, 'room');
        room.topic = message.topic;
        const who = foldCase(message.nick) === this.myKey ? 'You' : message.nick;
        const text = message.topic
          ? `${who} set the topic to: ${message.topic}`
          : `${who} cleared the topic`;
        return { ...this.notice(text, 'info', room.key), status: true };
      }
      case 'topic-is': {
        const room = this.conversations.get(foldCase(message.room));
        if (room) room.topic = message.topic;
        const text = message.topic
          ? `Topic of ${message.room}: ${message.topic}${message.setBy ? ` (set by ${message.setBy})` : ''}`
          : `${message.room} has no topic`;
        return { ...this.notice(text), status: true };
      }
      case 'members': {
        const room = this.conversation(message.room, 'room');
        room.members = new Map(message.nicks.map((nick) => [foldCase(nick), nick]));
        room.memberTotal = message.total;
        return { members: true };
      }
      case 'room-list':
        this.allRooms = message.rooms;
        return { rooms: true };
      case 'current-room':
        // The web client shows what the user picked; only a first room is followed.
        if (message.room !== null && this.active === undefined) {
          return this.activate(foldCase(message.room));
        }
        return {};
      case 'notice':
        return this.notice(message.text);
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
    }
  }

  private acknowledge(ref: string | null, id: number, time: number, to: string): Change {
    const conversation = this.conversations.get(foldCase(to));
    if (!conversation || ref === null) return {};
    const index = conversation.entries.findIndex((e) => e.kind === 'message' && e.ref === ref);
    const entry = conversation.entries[index];
    if (entry?.kind !== 'message') return {};
    if (conversation.ids.has(id)) {
      // Already shown (a private message's copy came first): the placeholder goes.
      conversation.entries.splice(index, 1);
    } else {
      conversation.entries.splice(index, 1);
      this.insert(conversation, { ...entry, id, time, ref: undefined });
      conversation.ids.add(id);
      conversation.lastId = Math.max(conversation.lastId, id);
    }
    return { entries: conversation.key };
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
      return { entries: conversation.key, appended: true };
    }
    if (message.gap) {
      this.notice(
        `Messages ${message.gap.from} to ${message.gap.to} are no longer kept`,
        'info',
        conversation.key,
      );
    }
    if (message.reason === 'request') {
      conversation.loadingHistory = false;
      if (!message.more) conversation.historyComplete = true;
    }
    const change = this.addMessages(conversation, message.messages, message.reason);
    return {
      ...change,
      appended: message.reason !== 'request',
      prepended: message.reason === 'request',
    };
  }

  private addMessages(
    conversation: Conversation,
    messages: ReadonlyArray<HistoryMessage>,
    reason: 'live' | 'join' | 'request' | 'resume',
  ): Change {
    let unread = 0;
    // Older pages go in newest first, each to the top, so they end up in order above the rest.
    const ordered = reason === 'request' ? [...messages].reverse() : messages;
    for (const message of ordered) {
      if (conversation.ids.has(message.id)) continue;
      // Our own private message's copy: it takes over the placeholder waiting for its ack.
      if (foldCase(message.from) === this.myKey) {
        const pending = conversation.entries.findIndex(
          (e) => e.kind === 'message' && e.id === undefined && e.text === message.text && !e.failed,
        );
        if (pending !== -1) conversation.entries.splice(pending, 1);
      }
      conversation.ids.add(message.id);
      conversation.lastId = Math.max(conversation.lastId, message.id);
      this.insert(conversation, {
        kind: 'message',
        id: message.id,
        ref: undefined,
        from: message.from,
        text: message.text,
        action: message.action,
        time: message.time,
      });
      if (foldCase(message.from) !== this.myKey) unread++;
    }
    const live = reason === 'live' || reason === 'resume';
    if (live && conversation.key !== this.active) conversation.unread += unread;
    return { entries: conversation.key, conversations: true };
  }

  /**
   * Puts a message in id order: before the first message with a greater id (or still waiting
   * for its ack), and when it is older than every message shown, at the very top, above the
   * notices too (it was said before any of them).
   */
  private insert(conversation: Conversation, entry: Extract<Entry, { kind: 'message' }>): void {
    const entries = conversation.entries;
    const id = entry.id ?? Number.POSITIVE_INFINITY;
    const later = (e: Entry) => e.kind === 'message' && (e.id === undefined || e.id > id);
    // The common case, a live message newer than everything: straight to the end.
    let last = entries.length - 1;
    while (last >= 0 && entries[last]!.kind === 'notice') last--;
    if (last < 0 || !later(entries[last]!)) {
      entries.push(entry);
      return;
    }
    let at = entries.findIndex(later);
    const first = entries.findIndex((e) => e.kind === 'message');
    const found = entries[at];
    if (at === first && found?.kind === 'message' && found.id !== undefined) at = 0;
    entries.splice(at, 0, entry);
  }

  private renamed(oldNick: string, newNick: string): Change {
    const oldKey = foldCase(oldNick);
    const you = oldKey === this.myKey;
    if (you) this.nick = newNick;
    const away = this.away.get(oldKey);
    if (away !== undefined) {
      this.away.delete(oldKey);
      this.away.set(foldCase(newNick), away);
    }
    for (const conversation of this.conversations.values()) {
      if (conversation.members.delete(oldKey)) {
        conversation.members.set(foldCase(newNick), newNick);
        this.notice(
          you ? `You are now known as ${newNick}` : `${oldNick} is now known as ${newNick}`,
          'info',
          conversation.key,
        );
      }
    }
    const privateOne = this.conversations.get(oldKey);
    if (privateOne?.kind === 'private') {
      this.conversations.delete(oldKey);
      privateOne.key = foldCase(newNick);
      privateOne.name = newNick;
      this.conversations.set(privateOne.key, privateOne);
      if (this.active === oldKey) this.active = privateOne.key;
    }
    return { conversations: true, members: true, entries: this.active ?? '', status: true };
  }
}
