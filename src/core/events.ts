import type { ErrorCode } from './errors.js';

/**
 * What the core tells members. Events carry display names (as the user spelled them), never
 * bytes: each front door's codec decides what they look like on its wire.
 */
export type ChatEvent =
  | { type: 'welcome'; nick: string; serverName: string }
  | { type: 'message'; room: string; from: string; text: string; action: boolean; time: number }
  | { type: 'private'; from: string; to: string; text: string; action: boolean; time: number }
  | { type: 'join'; room: string; nick: string }
  | { type: 'part'; room: string; nick: string; reason: string }
  | { type: 'quit'; nick: string; reason: string }
  | { type: 'nick'; oldNick: string; newNick: string }
  | { type: 'topic'; room: string; nick: string; topic: string }
  | { type: 'current-room'; room: string | undefined }
  | { type: 'topic-is'; room: string; topic: string; setBy: string | undefined }
  | { type: 'members'; room: string; nicks: readonly string[] }
  | { type: 'room-list'; rooms: readonly RoomSummary[] }
  | { type: 'help'; commands: readonly CommandHelp[] }
  | { type: 'notice'; text: string }
  | { type: 'error'; code: ErrorCode; message: string };

export interface RoomSummary {
  name: string;
  members: number;
  topic: string;
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
    case 'topic':
      return event.room;
    default:
      return undefined;
  }
}

/** The nickname that caused an event, if any: codecs word an event differently for its own actor ("you joined"). */
export function actorOf(event: ChatEvent): string | undefined {
  switch (event.type) {
    case 'message':
    case 'private':
      return event.from;
    case 'join':
    case 'part':
    case 'quit':
    case 'topic':
      return event.nick;
    case 'nick':
      return event.newNick;
    default:
      return undefined;
  }
}
