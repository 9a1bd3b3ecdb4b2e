import type { ChatEvent, RoomSummary } from './events.js';
import type { Member } from './member.js';
import { isListedFor } from './moderation/enforcement.js';
import type { Room } from './room.js';

/** The most rooms one answer carries: a full list of thousands is asked for page by page. */
export const MAX_ROOM_PAGE = 100;
/**
 * Rooms written to a connection between waits for it to catch up: small enough that even
 * with long topics a piece is a few KB, far below any sensible send queue.
 */
export const ROOM_LIST_PIECE = 10;

export interface RoomPage {
  rooms: RoomSummary[];
  /** Position of the first room of the page in the list of all rooms, sorted by name. */
  offset: number;
  /** How many rooms exist. */
  total: number;
  /** Rooms exist after this page. */
  more: boolean;
}

/**
 * Up to `limit` rooms (at most MAX_ROOM_PAGE) from `offset` on, sorted by case-folded name: a
 * stable order, so paging through it while rooms come and go skips or repeats little.
 */
/** The rooms `viewer` may see listed: all but the secret ones (+s) they are not in. */
export function* listedFor(rooms: Iterable<Room>, viewer: Member): Iterable<Room> {
  for (const room of rooms) if (isListedFor(room, viewer)) yield room;
}

export function roomPage(
  all: Iterable<Room>,
  offset: number,
  limit: number,
  /** Members of a room on other server nodes, counted with its own. */
  othersIn: (key: string) => number = () => 0,
): RoomPage {
  // Plain comparison of the folded keys: localeCompare costs ~50x more, over 10,000 rooms.
  const sorted = [...all].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const start = Math.max(0, Math.floor(offset));
  const count = Math.max(1, Math.min(MAX_ROOM_PAGE, Math.floor(limit)));
  const rooms = sorted.slice(start, start + count).map((room) => summaryOf(room, othersIn));
  return { rooms, offset: start, total: sorted.length, more: start + rooms.length < sorted.length };
}

function summaryOf(room: Room, othersIn: (key: string) => number): RoomSummary {
  return {
    name: room.name,
    members: room.members.size + othersIn(room.key),
    topic: room.topic,
    createdBy: room.createdBy,
  };
}

/**
 * Sends a page as several `room-list` events of ROOM_LIST_PIECE rooms, each after the client
 * has read the one before: a long list goes out at the pace the client reads, never as one
 * burst bigger than its send queue. Each piece carries its own offset; `more` is the page's.
 */
export async function streamRoomPage(member: Member, page: RoomPage): Promise<void> {
  for (let i = 0; i < page.rooms.length || i === 0; i += ROOM_LIST_PIECE) {
    if (i > 0) await member.peer.caughtUp?.();
    if (member.gone) return;
    const event: ChatEvent = {
      type: 'room-list',
      rooms: page.rooms.slice(i, i + ROOM_LIST_PIECE),
      offset: page.offset + i,
      total: page.total,
      more: page.more,
    };
    member.send(event);
  }
}
