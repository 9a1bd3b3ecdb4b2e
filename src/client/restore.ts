import { foldCase } from '../core/names.js';
import type { ClientMessage } from '../protocols/ws/protocol.js';

/** Where the user was when the connection dropped, and what the hello of the reconnect did. */
export interface Place {
  rooms: readonly string[];
  current: string | undefined;
  /** The rooms the hello resumed (those where a message had been seen). */
  resumed: readonly string[];
  /** The room the server puts a new connection in, unless the hello resumes others. */
  lobby: string;
}

/** The rooms to go back to, the current one last: each room we join becomes the current one. */
export function inOrder(rooms: readonly string[], current: string | undefined): string[] {
  const others = rooms.filter((room) => current === undefined || !same(room, current));
  return current === undefined ? others : [...others, current];
}

/**
 * What to ask for, after the welcome of a reconnect, to be back where we were: the rooms the
 * hello did not resume are joined again, the current room is asked for last, which makes it
 * the server's current room too (joining a room we are in says just that), and the lobby is
 * left again if we had left it (the server puts us there unless the hello resumed rooms
 * without it).
 */
export function restoreRequests(place: Place): ClientMessage[] {
  const resumed = (room: string) => place.resumed.some((other) => same(other, room));
  const inLobby = place.resumed.length === 0 || resumed(place.lobby);
  const requests: ClientMessage[] = [];
  for (const room of place.rooms) {
    const there = resumed(room) || (inLobby && same(room, place.lobby));
    if (!there && (place.current === undefined || !same(room, place.current))) {
      requests.push({ type: 'join', room });
    }
  }
  if (place.current !== undefined) requests.push({ type: 'join', room: place.current });
  // Once the lobby is no longer the current room, so that leaving it changes nothing else.
  if (inLobby && !place.rooms.some((room) => same(room, place.lobby))) {
    requests.push({ type: 'part', room: place.lobby });
  }
  return requests;
}

function same(a: string, b: string): boolean {
  return foldCase(a) === foldCase(b);
}
