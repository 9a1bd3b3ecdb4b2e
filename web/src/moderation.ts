import { applyToModes } from '../../src/core/moderation/mode-change.js';
import { foldCase } from '../../src/core/names.js';
import { renderModeration } from '../../src/protocols/text/render-moderation.js';
import type { RoleName, RoomModes, ServerMessage } from '../../src/protocols/ws/protocol.js';
import type { Change } from './change.js';
import type { MembershipState } from './membership.js';

type Event<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
export type ModerationMessage = Event<
  'mode' | 'kick' | 'invite' | 'modes-are' | 'sanctions' | 'modlog'
>;

/** What the client keeps of a room's moderation: who holds which role, and its modes. */
export interface RoomModeration {
  /** Roles by case-folded nickname; those without any are absent. */
  roles: Map<string, RoleName[]>;
  modes: RoomModes | undefined;
}

export interface ModerationState extends MembershipState {
  moderationOf(roomName: string): RoomModeration;
}

/**
 * Moderation events: the room's roles and modes follow them, a kick takes its target out of
 * the room, and each is told as a line in the room (worded as the text doors word it).
 */
export function moderated(
  state: ModerationState,
  message: ModerationMessage,
  time: number,
): Change {
  const roomName = message.room ?? undefined;
  const you = 'nick' in message && foldCase(message.nick) === state.myKey;
  const lines = renderModeration(
    { ...message, room: roomName } as never,
    { inCurrentRoom: true, isActor: you, showIds: false },
    time,
  );
  const key = roomName === undefined ? state.active : foldCase(roomName);
  const change: Change = { members: true, status: true };
  if (message.type === 'mode') applyChanges(state.moderationOf(message.room), message);
  if (message.type === 'modes-are') state.moderationOf(message.room).modes = message.modes;
  if (message.type === 'kick') {
    const room = state.conversation(message.room, 'room');
    const target = foldCase(message.target);
    if (room.members.delete(target)) room.memberTotal = Math.max(0, room.memberTotal - 1);
    if (target === state.myKey) room.joined = false;
    change.conversations = true;
  }
  const shownIn = message.type === 'invite' && !you ? state.active : key;
  for (const line of lines) Object.assign(change, state.notice(line.text, 'info', shownIn, time));
  return change;
}

/** The roles of those listed in a `members` answer (everyone else holds none). */
export function rolesFromMembers(message: Event<'members'>): Map<string, RoleName[]> {
  return new Map(
    Object.entries(message.roles ?? {}).map(([nick, roles]) => [foldCase(nick), roles]),
  );
}

function applyChanges(moderation: RoomModeration, message: Event<'mode'>): void {
  for (const change of message.changes) {
    if (change.mode === 'owner' || change.mode === 'op' || change.mode === 'voice') {
      const key = foldCase(change.nick);
      const roles = new Set(moderation.roles.get(key) ?? []);
      if (change.on) roles.add(change.mode);
      else roles.delete(change.mode);
      const ordered = (['owner', 'op', 'voice'] as const).filter((role) => roles.has(role));
      if (ordered.length === 0) moderation.roles.delete(key);
      else moderation.roles.set(key, ordered);
      continue;
    }
    if (moderation.modes) applyToModes(moderation.modes, change);
  }
}
