import { ChatError } from '../errors.js';
import type { Member } from '../member.js';
import type { Room } from '../room.js';
import { formatDuration } from './durations.js';
import type { MaskSubject } from './masks.js';
import type { RoomModeration } from './room-moderation.js';
import { ROLE_OP, ROLE_VOICE, rank, type Sanction, type SpeakVerdict } from './types.js';

/**
 * The rules a room's modes and sanctions make, checked where members join, speak and set
 * topics, on every door alike. Each throws the ChatError the member is told.
 */

/** Whom sanctions are matched against: the member as others see them. */
export function subjectOf(member: Member): MaskSubject {
  return member.view() ?? { nick: member.nick ?? '*' };
}

/** Server operators act as operators of every room (the lobby has no owner but them). */
export function isServerOperator(member: Member): boolean {
  return member.operator !== undefined;
}

export function rolesIn(room: Room, member: Member): number {
  return member.nickKey === undefined ? 0 : room.mod.rolesOf(member.nickKey);
}

/** Whether the member may moderate the room: an operator of it, or a server operator. */
export function isRoomOperator(room: Room, member: Member): boolean {
  return rank(rolesIn(room, member)) >= rank(ROLE_OP) || isServerOperator(member);
}

export function requireRoomOperator(room: Room, member: Member): void {
  if (!isRoomOperator(room, member)) {
    throw new ChatError('NOT_ROOM_OPERATOR', `You are not an operator of ${room.name}.`, {
      about: [room.name],
    });
  }
}

/**
 * Whether the member may come in: not banned (here or, but for server operators,
 * server-wide); then, unless invited or an operator, the room's invite-only, key and limit.
 */
export function checkJoin(
  room: Room,
  member: Member,
  key: string | undefined,
  size: number,
  serverWide: RoomModeration,
  now: number,
): void {
  const subject = subjectOf(member);
  const ban =
    (isServerOperator(member) ? undefined : serverWide.sanctionOn('ban', subject, now)) ??
    room.mod.sanctionOn('ban', subject, now);
  if (ban) {
    throw new ChatError('BANNED_FROM_ROOM', `You are banned from ${room.name}${until(ban, now)}.`, {
      about: [room.name],
    });
  }
  if (isRoomOperator(room, member)) return;
  const nickKey = member.nickKey!;
  if (room.mod.takeInvite(nickKey, now)) return;
  const { modes } = room.mod;
  if (modes.inviteOnly) {
    throw new ChatError('INVITE_ONLY', `${room.name} is invite only.`, { about: [room.name] });
  }
  if (modes.key !== undefined && key !== modes.key) {
    throw new ChatError('BAD_ROOM_KEY', `${room.name} needs the right key.`, {
      about: [room.name],
    });
  }
  if (modes.limit !== undefined && size >= modes.limit) {
    throw new ChatError('ROOM_FULL', `${room.name} is full (${modes.limit} members).`, {
      about: [room.name],
    });
  }
}

/**
 * Whether the member may send to the room: members always (unless muted, banned, or the room
 * is moderated and they have no voice), outsiders only if the room takes outside messages.
 */
export function checkSpeak(
  room: Room,
  member: Member,
  serverWide: RoomModeration,
  now: number,
): void {
  const refuse = (message: string) => new ChatError('CANNOT_SEND', message, { about: [room.name] });
  if (!room.members.has(member) && room.mod.modes.noOutside) {
    throw new ChatError('NOT_IN_ROOM', `You are not in ${room.name}.`, { about: [room.name] });
  }
  const roles = rolesIn(room, member);
  if (rank(roles) >= rank(ROLE_OP) || isServerOperator(member)) return;
  const verdict = speakVerdict(room, member, serverWide, now);
  if (verdict.mute) throw refuse(`You are muted in ${room.name}${until(verdict.mute, now)}.`);
  if (verdict.ban) throw refuse(`You are banned from ${room.name}; you cannot speak there.`);
  if (room.mod.modes.moderated && rank(roles) < rank(ROLE_VOICE)) {
    throw refuse(`${room.name} is moderated: only voiced members may speak.`);
  }
}

/**
 * The mute and ban holding on a member in a room, worked out against every mask once and
 * kept on the member until the room's (or the server's) sanctions change, the member's
 * nickname does, or the mute or the ban runs out: a room with a thousand bans costs a message
 * a lookup, not a thousand matches (the enforcement benchmark).
 */
function speakVerdict(
  room: Room,
  member: Member,
  serverWide: RoomModeration,
  now: number,
): SpeakVerdict {
  const cached = member.speakVerdicts?.get(room.key);
  if (
    cached &&
    cached.roomVersion === room.mod.version &&
    cached.serverVersion === serverWide.version &&
    cached.nickKey === member.nickKey &&
    (cached.mute?.expiresAt === undefined || cached.mute.expiresAt > now) &&
    (cached.ban?.expiresAt === undefined || cached.ban.expiresAt > now)
  ) {
    return cached;
  }
  const subject = subjectOf(member);
  const mute =
    serverWide.sanctionOn('mute', subject, now) ?? room.mod.sanctionOn('mute', subject, now);
  const ban = room.mod.sanctionOn('ban', subject, now);
  // Read after the matching, which may have dropped expired sanctions (and so changed them).
  const verdict: SpeakVerdict = {
    roomVersion: room.mod.version,
    serverVersion: serverWide.version,
    nickKey: member.nickKey,
    mute,
    ban,
  };
  member.speakVerdicts ??= new Map();
  member.speakVerdicts.set(room.key, verdict);
  return verdict;
}

/** Whether the member may set the topic: anyone inside, or only operators under +t. */
export function checkTopic(room: Room, member: Member): void {
  if (room.mod.modes.topicLock) requireRoomOperator(room, member);
}

/** " for 9m 58s" until a sanction lifts, or nothing for one until lifted. */
function until(sanction: Sanction, now: number): string {
  return sanction.expiresAt === undefined ? '' : ` for ${formatDuration(sanction.expiresAt - now)}`;
}

/** Secret rooms (+s) show only to their members (and server operators) in lists and WHOIS. */
export function isListedFor(room: Room, viewer: Member): boolean {
  return !room.mod.modes.secret || room.members.has(viewer) || isServerOperator(viewer);
}
