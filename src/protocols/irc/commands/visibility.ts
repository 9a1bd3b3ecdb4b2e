import type { Member } from '../../../core/member.js';
import type { Room } from '../../../core/room.js';
import { IrcSession } from '../session.js';

/** Users with mode +i are left out of channel listings for people outside the channel. */
export function isInvisible(member: Member): boolean {
  return member.peer instanceof IrcSession && member.peer.invisible;
}

export function visibleMembers(room: Room, viewer: Member): Member[] {
  const inside = room.members.has(viewer);
  return [...room.members].filter(
    (member) => member.nick !== undefined && (inside || !isInvisible(member)),
  );
}

export function visibleNicks(room: Room, viewer: Member): string[] {
  return visibleMembers(room, viewer).map((member) => member.nick!);
}

/** What WHO and WHOIS give as a user's real name: theirs on IRC, their door elsewhere. */
export function realnameOf(member: Member): string {
  if (member.peer instanceof IrcSession) return member.peer.user?.realname ?? '';
  return `${member.peer.protocol} user`;
}
