/**
 * The WebSocket door's messages: one JSON object per WebSocket text message, told apart by
 * `type`. The server (src/protocols/ws) and the browser client (web/) both import this module,
 * so it must stay free of Node.js: types and a few constants only. docs/websocket.md
 * describes every message with an example.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { ModeChange } from '../../core/moderation/mode-change.js';
import type { ModerationRequest as CoreModerationRequest } from '../../core/moderation/requests.js';
import type {
  AuditEntry,
  RoleName,
  RoomModes,
  Sanction,
  SanctionKind,
} from '../../core/moderation/types.js';
import type { OperatorRequest as CoreOperatorRequest } from '../../core/operators/requests.js';

export type { AuditEntry, ModeChange, RoleName, RoomModes, Sanction, SanctionKind };

/** The path the HTTP server upgrades to a WebSocket. */
export const WS_PATH = '/ws';
/** The largest message a client may send; the door closes the connection with 1009 past it. */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;
/**
 * Most frames one client message may come in. Each fragment held costs the server a Buffer
 * object (~130 bytes) on top of its payload, and the ws library's limit (16,384) let a client that
 * never finishes its message hold 2 MiB; at 256 a partial message holds at most ~33 KB of
 * bookkeeping besides its 64 KiB of payload. Browsers send a message as one frame; libraries
 * that fragment do so in KiB-sized pieces (a 64 KiB message in 256-byte pieces still fits).
 */
export const MAX_CLIENT_MESSAGE_FRAGMENTS = 256;
/** Longest `ref` a client may attach to a request. */
export const MAX_REF_LENGTH = 64;
/** Most rooms one `hello` may ask to resume. */
export const MAX_RESUME_ROOMS = 100;

/** Close codes the server uses (the 1xxx ones are RFC 6455's). */
export const CLOSE_CODES = {
  /** The client sent `quit`. */
  NORMAL: 1000,
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** A frame broke the WebSocket protocol (sent by the frame reader, frames.ts). */
  PROTOCOL_ERROR: 1002,
  /** A binary message: this door speaks JSON text only. */
  UNSUPPORTED_DATA: 1003,
  /** A text message that was not valid UTF-8 (sent by the frame reader, frames.ts). */
  INVALID_UTF8: 1007,
  /** A message in more than MAX_CLIENT_MESSAGE_FRAGMENTS frames (sent by the frame reader, frames.ts). */
  POLICY_VIOLATION: 1008,
  /** A message larger than MAX_CLIENT_MESSAGE_BYTES (sent by the frame reader, frames.ts). */
  MESSAGE_TOO_BIG: 1009,
  /** The node can no longer serve the client (its cluster took it for lost): reconnect. */
  SERVICE_RESTART: 1012,
  /** No `hello` came within the nickname timeout. */
  NICK_TIMEOUT: 4000,
  /** The server could not keep up with what this client had to be sent (a resume fell too far behind). */
  TOO_FAR_BEHIND: 4001,
  /** The client sent more requests than the flood limit lets wait (see docs/operations.md). */
  EXCESS_FLOOD: 4002,
  /** A server operator disconnected the client (KILL); the reason says who and why. */
  KILLED: 4003,
  /**
   * The client is banned from the server (a K-line, set now or found at `hello`): connecting
   * again is refused until the ban is lifted or runs out. The reason says why.
   */
  BANNED: 4004,
  /** Too many failed `oper` attempts on this connection. */
  OPER_FAILED: 4005,
} as const;

/** Rooms to resume in a `hello`: room name and the id of the last message seen there. */
export interface ResumePoint {
  room: string;
  after: number;
}

/**
 * What a client sends. Any request may carry `ref`, a string of the client's choosing (at most
 * MAX_REF_LENGTH characters): an `error` the request causes, and a `send`'s `ack`, repeat it.
 */
export type ClientMessage =
  | {
      type: 'hello';
      nick: string;
      /**
       * After a reconnect: rooms to resume from the last message seen. Skips the lobby's usual
       * join replay when the lobby is among them.
       */
      resume?: ResumePoint[];
      ref?: string;
    }
  | { type: 'nick'; nick: string; ref?: string }
  /** `key`: for a room with a key (+k). */
  | { type: 'join'; room: string; key?: string; ref?: string }
  | { type: 'part'; room: string; reason?: string; ref?: string }
  /**
   * To a room ("#dev") or a nickname. With a `ref`, a retry (say, after a reconnect) of a
   * send already stored under this nickname is acknowledged again, not stored twice.
   */
  | { type: 'send'; to: string; text: string; action?: boolean; ref?: string }
  /** Without `topic`, asks for the topic (answered with `topic-is`); with it, sets it. */
  | { type: 'topic'; room: string; topic?: string; ref?: string }
  /**
   * A page of the rooms, sorted by name: `limit` (default and most MAX_ROOM_PAGE, 100) rooms
   * from position `offset` (default 0). Answered by one `room-list`; ask again from
   * offset + rooms.length while its `more` is true.
   */
  | { type: 'rooms'; offset?: number; limit?: number; ref?: string }
  | { type: 'members'; room: string; ref?: string }
  /** A room's or a private conversation's messages: the latest, or before or after an id. */
  | {
      type: 'history';
      target: string;
      before?: number;
      after?: number;
      limit?: number;
      ref?: string;
    }
  | { type: 'search'; room: string; query: string; ref?: string }
  /** Every message of a room after `after`, once, then the live stream; joins if needed. */
  | { type: 'resume'; room: string; after: number; ref?: string }
  | { type: 'ping'; ref?: string }
  | { type: 'quit'; reason?: string; ref?: string }
  | ModerationRequest
  | OperatorRequest;

/** Room moderation (docs/moderation.md), as the core takes it, with a `ref`. */
export type ModerationRequest = CoreModerationRequest & { ref?: string };

/** What server operators do (docs/moderation.md#server-operators), with a `ref`. */
export type OperatorRequest = CoreOperatorRequest & { ref?: string };

export type ClientMessageType = ClientMessage['type'];

/** A stored chat message as history carries it; the room is the history's `target`. */
export interface HistoryMessage {
  id: number;
  from: string;
  text: string;
  action: boolean;
  /** Server time, ms since the epoch. */
  time: number;
}

export interface RoomInfo {
  name: string;
  members: number;
  topic: string;
  createdBy: string;
}

/** What the server sends. */
export type ServerMessage =
  | { type: 'welcome'; nick: string; serverName: string }
  | {
      type: 'message';
      id: number;
      room: string;
      from: string;
      text: string;
      action: boolean;
      time: number;
    }
  | {
      type: 'private';
      id: number;
      from: string;
      to: string;
      text: string;
      action: boolean;
      time: number;
    }
  /** To the sender of a `send`: where it was stored. `to` is as the server spells it. */
  | { type: 'ack'; ref: string | null; id: number; to: string; time: number }
  | {
      type: 'history';
      /** A room, or for a private conversation the other person's nickname. */
      target: string;
      private: boolean;
      reason: 'join' | 'request' | 'resume' | 'search';
      messages: HistoryMessage[];
      /** Ids asked for that retention had already dropped. */
      gap: { from: number; to: number } | null;
      /** More messages exist than were sent: page on from the first (or, resuming, the last). */
      more: boolean;
    }
  /**
   * `time` on these events (and `topic-is`, `notice`) is when the server sent them, ms since
   * the epoch: what lets a client put "bob joined" in order among messages, whose `time` is
   * the same clock. Servers before it left it out, hence optional.
   */
  | { type: 'join'; room: string; nick: string; time?: number; crowd?: true }
  | { type: 'part'; room: string; nick: string; reason: string; time?: number; crowd?: true }
  /**
   * The joins and parts of a big room over the last interval (`crowd` on those events says
   * they are summarized): clients that show joins as lines show this one instead. members:
   * the room's size now. quiet: the room is past --summarize-all-joins-above, so no one got
   * the others' joins and parts, only this. Servers before them left both out.
   */
  | {
      type: 'crowd';
      room: string;
      members?: number;
      quiet?: true;
      joined: string[];
      joinedCount: number;
      left: string[];
      leftCount: number;
      time?: number;
    }
  | { type: 'quit'; nick: string; reason: string; time?: number; crowd?: true }
  | { type: 'nick'; oldNick: string; newNick: string; time?: number }
  | { type: 'topic'; room: string; nick: string; topic: string; time?: number }
  /** `setBy`/`setAt` (ms since the epoch): who set the topic and when, if known. */
  | {
      type: 'topic-is';
      room: string;
      topic: string;
      setBy: string | null;
      setAt: number | null;
      time?: number;
    }
  /** Someone you share a room with went away (`message`) or came back (`message: null`). */
  | { type: 'away'; nick: string; message: string | null }
  /**
   * `nicks` may be the first few of `total` (on joining a big room); `members` lists all.
   * `roles`: the roles of those listed who hold any (absent when nobody does).
   */
  | {
      type: 'members';
      room: string;
      nicks: string[];
      total: number;
      roles?: Record<string, RoleName[]>;
    }
  /** Who changed what in a room: modes, roles, bans, mutes (the server's name when it did). */
  | { type: 'mode'; room: string; nick: string; changes: ModeChange[]; time?: number }
  | { type: 'kick'; room: string; nick: string; target: string; reason: string; time?: number }
  /** To whom was invited, and to who invited them. */
  | { type: 'invite'; room: string; nick: string; target: string; time?: number }
  /** The key shows as "*" to those outside the room. */
  | { type: 'modes-are'; room: string; modes: RoomModes; createdAt: number }
  | { type: 'sanctions'; room: string; kind: SanctionKind; entries: Sanction[] }
  /** Newest first; `room` null: the whole server's. */
  | { type: 'modlog'; room: string | null; entries: AuditEntry[] }
  /** You became the server operator `name` (after `oper`), or stopped being one (null). */
  | { type: 'oper'; name: string | null }
  /** To server operators: another operator's message to them all (IRC's WALLOPS). */
  | { type: 'wallops'; nick: string; text: string; time?: number }
  /** To a server operator who asked (`klines`): the server bans in force, oldest first. */
  | { type: 'server-bans'; entries: Sanction[] }
  /** A page of rooms: the first is at position `offset` of all `total`; `more`: ask for the next. */
  | { type: 'room-list'; rooms: RoomInfo[]; offset: number; total: number; more: boolean }
  /** The room plain text goes to on the line door; the web client may follow it or not. */
  | { type: 'current-room'; room: string | null }
  | { type: 'notice'; text: string; time?: number }
  | { type: 'pong'; ref: string | null }
  | { type: 'error'; code: ErrorCode; message: string; ref: string | null };

export type ServerMessageType = ServerMessage['type'];
