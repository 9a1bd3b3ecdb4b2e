import type { Member, MemberView } from './member.js';
import { isListedFor } from './moderation/enforcement.js';
import type { Presence } from './presence.js';
import type { Rooms } from './rooms.js';
import type { Roster } from './roster.js';

/**
 * Read-only questions the doors ask about rooms and users (NAMES, WHO, WHOIS), answered for
 * the whole chat: the members here and, through the roster, those on other server nodes.
 */
export class Queries {
  constructor(
    private readonly rooms: Rooms,
    private readonly presence: Presence,
    private readonly roster: Roster,
  ) {}

  /** Whether the member is in the room with this name. */
  isIn(member: Member, roomName: string): boolean {
    return this.rooms.find(roomName)?.members.has(member) ?? false;
  }

  /**
   * The names of the rooms the user with this nickname is in, in join order, as `viewer` may
   * see them: a hidden user shows others only the rooms they share. Empty for no such user.
   */
  roomsOf(nick: string, viewer: Member): string[] {
    const member = this.presence.find(nick);
    if (!member) return this.remoteRoomsOf(nick, viewer);
    const hidden = viewer !== member && (member.peer.profile?.().hidden ?? false);
    const names: string[] = [];
    for (const key of member.rooms) {
      const room = this.rooms.find(key);
      if (room && (!hidden || room.members.has(viewer)) && isListedFor(room, viewer)) {
        names.push(room.name);
      }
    }
    return names;
  }

  private remoteRoomsOf(nick: string, viewer: Member): string[] {
    const other = this.presence.describe(nick);
    if (!other || !('node' in other)) return [];
    return other.rooms.filter((name) => {
      const room = this.rooms.find(name);
      if (room && !isListedFor(room, viewer)) return false;
      return !other.hidden || this.isIn(viewer, name);
    });
  }

  /**
   * The registered members of a room as `viewer` may see them: everyone from inside the room,
   * everyone but the hidden from outside; those here in join order, then those elsewhere.
   * Empty if there is no such room, or it is secret (+s) and the viewer is not in it.
   */
  membersOf(roomName: string, viewer: Member): MemberView[] {
    const room = this.rooms.find(roomName);
    if (!room || !isListedFor(room, viewer)) return [];
    const inside = room.members.has(viewer);
    const views: MemberView[] = [];
    for (const member of room.members) {
      const view = member.view();
      if (view && (inside || !view.hidden)) views.push(view);
    }
    for (const other of this.roster.inRoom(room.key)) {
      if (inside || !other.hidden) views.push(other);
    }
    return views;
  }
}
