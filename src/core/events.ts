import type { ErrorCode } from './errors.js';
import type { StoredMessage } from './history.js';
import type { ModeChange } from './moderation/mode-change.js';
import type { AuditEntry, RoomModes, Sanction, SanctionKind } from './moderation/types.js';

/**
 * Tags a client put on a message for the other clients (IRCv3 client-only tags: "+typing",
 * "+draft/reply"): each key is a CLIENT_TAG_KEY. Relayed as they came to the doors that show
 * them, never stored; at most MAX_CLIENT_TAG_BYTES (see rules.ts).
 */
export type ClientTags = Readonly<Record<string, string>>;

/**
 * What the core tells members. Events carry display names (as the user spelled them), never
 * bytes: each front door's codec decides what they look like on its wire.
 */
export type ChatEvent =
  | { type: 'welcome'; nick: string; serverName: string }
  | {
      type: 'message';
      id: number;
      room: string;
      from: string;
      text: string;
      action: boolean;
      /** Sent as a notice (IRC's NOTICE): live only, a stored message has no such mark. */
      notice?: true;
      time: number;
      tags?: ClientTags;
    }
  | {
      type: 'private';
      id: number;
      from: string;
      to: string;
      text: string;
      action: boolean;
      /** Sent as a notice (IRC's NOTICE): live only, a stored message has no such mark. */
      notice?: true;
      time: number;
      tags?: ClientTags;
    }
  /**
   * Client tags without a message (IRC's TAGMSG: typing notifications, reactions), to a room
   * (`to` its name) or a person (`private`, `to` their nickname). Not stored; the sender hears
   * it too, for doors that echo.
   */
  | {
      type: 'tags';
      /**
       * Names this one send, the same for every copy (IRC's msgid, which replies and reactions
       * refer to); random, since nothing is stored. Absent from nodes that predate it.
       */
      id?: string;
      from: string;
      to: string;
      private: boolean;
      tags: ClientTags;
    }
  /**
   * To the sender only: where their message was stored. It carries the message itself so a
   * door whose clients want their own messages echoed (IRC's echo-message) can show it.
   */
  | {
      type: 'sent';
      target: string;
      id: number;
      from: string;
      text: string;
      action: boolean;
      /** Sent as a notice (IRC's NOTICE): live only, a stored message has no such mark. */
      notice?: true;
      time: number;
      tags?: ClientTags;
    }
  | {
      type: 'history';
      /** A room name, or for a private conversation the other person's nickname. */
      target: string;
      private: boolean;
      reason: 'join' | 'request' | 'resume' | 'search';
      messages: readonly HistoryEntry[];
      /** Ids asked for that retention had already dropped. */
      gap: { from: number; to: number } | undefined;
      /** More messages exist than were sent; ask again from the last id. */
      more: boolean;
    }
  /**
   * crowd: the room is big enough that its joins and parts are also summarized (a 'crowd'
   * event); doors that show people notices rather than keep member lists show the summary.
   */
  | { type: 'join'; room: string; nick: string; crowd?: true }
  | { type: 'part'; room: string; nick: string; reason: string; crowd?: true }
  /**
   * The joins and parts of a big room over the last interval: the first few named, all counted.
   * members: how many the room has now. quiet: the room is so big that no one was told of
   * each join and part (not even the doors that keep member lists), only of this.
   */
  | {
      type: 'crowd';
      room: string;
      joined: readonly string[];
      joinedCount: number;
      left: readonly string[];
      leftCount: number;
      members?: number;
      quiet?: true;
    }
  /** crowd: told only to members of big rooms, which summarize it too (see 'join'). */
  | { type: 'quit'; nick: string; reason: string; crowd?: true }
  /**
   * forced: the server renamed the user (it lost the nickname to an earlier claim), so the
   * old nickname's roles stay with the old nickname.
   */
  | { type: 'nick'; oldNick: string; newNick: string; forced?: true }
  | { type: 'topic'; room: string; nick: string; topic: string }
  | { type: 'current-room'; room: string | undefined }
  | {
      type: 'topic-is';
      room: string;
      topic: string;
      setBy: string | undefined;
      setAt: number | undefined;
    }
  /** message: undefined when the member is back. */
  | { type: 'away'; nick: string; message: string | undefined }
  /**
   * nicks may be the first few of `total` (on joining a big room); /who lists them all.
   * roles: the ROLE_* bits of those listed who hold any, by nickname as listed.
   */
  | {
      type: 'members';
      room: string;
      nicks: readonly string[];
      total: number;
      roles?: Readonly<Record<string, number>>;
    }
  /**
   * Some of the rooms, sorted by name: `offset` is the first one's position among all `total`
   * rooms; `more` says rooms exist after the page this is part of.
   */
  | {
      type: 'room-list';
      rooms: readonly RoomSummary[];
      offset: number;
      total: number;
      more: boolean;
    }
  /** Someone (or the server, by its name) changed a room's modes, roles or sanctions. */
  /** byServer: the server made it (nick is then its name), as on joining with stored roles. */
  | {
      type: 'mode';
      room: string;
      nick: string;
      changes: readonly ModeChange[];
      byServer?: true;
    }
  | { type: 'kick'; room: string; nick: string; target: string; reason: string }
  /** To the invited user and to the room's members. */
  | { type: 'invite'; room: string; nick: string; target: string }
  /** A room's modes, asked for; the key only to its members. */
  | { type: 'modes-are'; room: string; modes: RoomModes; createdAt: number }
  /** A room's bans or mutes in force, asked for. */
  | { type: 'sanctions'; room: string; kind: SanctionKind; entries: readonly Sanction[] }
  /** Audit log entries, newest first: one room's, or (room undefined) the whole server's. */
  | { type: 'modlog'; room: string | undefined; entries: readonly AuditEntry[] }
  /**
   * To one member: they became a server operator (`name`, the operator they are, from the
   * config file) or stopped being one (`name` undefined).
   */
  | { type: 'oper'; name: string | undefined }
  /**
   * A server operator's message (IRC's WALLOPS) to everyone connected: doors show it to server
   * operators, and IRC to users with user mode +w.
   */
  | { type: 'wallops'; nick: string; text: string }
  /** The server bans (K-lines) in force, to the server operator who asked. */
  | { type: 'server-bans'; entries: readonly Sanction[] }
  /**
   * Between nodes only (never shown): a server operator (`nick`) killed the user holding the
   * nickname `target`, whose node disconnects them saying `reason`.
   */
  | { type: 'kill'; nick: string; target: string; reason: string }
  /** Between nodes only (never shown): a server ban (K-line) set (`on`) or lifted. */
  | {
      type: 'server-ban';
      nick: string;
      mask: string;
      on: boolean;
      setAt: number;
      expiresAt?: number;
      reason: string;
    }
  | { type: 'help'; commands: readonly CommandHelp[] }
  | { type: 'notice'; text: string }
  | { type: 'error'; code: ErrorCode; message: string };

export interface HistoryEntry {
  id: number;
  from: string;
  text: string;
  action: boolean;
  time: number;
}

export interface RoomSummary {
  name: string;
  members: number;
  topic: string;
  createdBy: string;
}

export interface CommandHelp {
  usage: string;
  summary: string;
}

/** The room an event happened in, if any: codecs label events from rooms other than the viewer's current one. */
export function roomOf(event: ChatEvent): string | undefined {
  switch (event.type) {
    case 'message':
    case 'join':
    case 'part':
    case 'crowd':
    case 'topic':
    case 'mode':
    case 'kick':
      return event.room;
    case 'history':
      return event.private ? undefined : event.target;
    case 'tags':
      return event.private ? undefined : event.to;
    default:
      return undefined;
  }
}

/** The nickname that caused an event, if any: codecs word an event differently for its own actor ("you joined"). */
export function actorOf(event: ChatEvent): string | undefined {
  switch (event.type) {
    case 'message':
    case 'private':
    case 'tags':
      return event.from;
    case 'join':
    case 'part':
    case 'quit':
    case 'topic':
    case 'away':
    case 'mode':
    case 'kick':
    case 'invite':
    case 'wallops':
      return event.nick;
    case 'nick':
      return event.newNick;
    default:
      return undefined;
  }
}

/** A history event carrying stored messages (a join's replay, a page, a resume, a search). */
export function historyEvent(
  target: string,
  isPrivate: boolean,
  reason: 'join' | 'request' | 'resume' | 'search',
  messages: readonly StoredMessage[],
  gap: { from: number; to: number } | undefined,
  more: boolean,
): ChatEvent {
  const entries: HistoryEntry[] = messages.map((message) => ({
    id: message.id,
    from: message.sender,
    text: message.text,
    action: message.action,
    time: message.time,
  }));
  return { type: 'history', target, private: isPrivate, reason, messages: entries, gap, more };
}
