import { applyToModes } from '../../src/core/moderation/mode-change.js';
import { foldCase } from '../../src/core/names.js';
import { renderModeration } from '../../src/protocols/text/render-moderation.js';
import type {
  RoleName,
  RoomModes,
  Sanction,
  SanctionKind,
  ServerMessage,
} from '../../src/protocols/ws/protocol.js';
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
  /** Bans and mutes in force, once asked for (the room settings list them), kept current. */
  sanctions: Record<SanctionKind, Sanction[] | undefined>;
  /**
   * Answers asked for by the room settings, still to come: they fill the settings, and are
   * not also told as lines in the room (as what the user asked for with a command would be).
   */
  quiet: { modes: number; ban: number; mute: number };
}

export function newRoomModeration(): RoomModeration {
  return {
    roles: new Map(),
    modes: undefined,
    sanctions: { ban: undefined, mute: undefined },
    quiet: { modes: 0, ban: 0, mute: 0 },
  };
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
  if (message.type === 'mode') applyChanges(state.moderationOf(message.room), message, time);
  if (message.type === 'modes-are' || message.type === 'sanctions') {
    const moderation = state.moderationOf(message.room);
    const asked = message.type === 'modes-are' ? 'modes' : message.kind;
    if (message.type === 'modes-are') moderation.modes = message.modes;
    else moderation.sanctions[message.kind] = message.entries;
    if (moderation.quiet[asked] > 0) {
      moderation.quiet[asked]--;
      return change;
    }
  }
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

/** A nickname's roles go with it to the new one, in every room, as on the server. */
export function renameRoles(state: ModerationState, oldNick: string, newNick: string): void {
  const [oldKey, newKey] = [foldCase(oldNick), foldCase(newNick)];
  if (oldKey === newKey) return;
  for (const conversation of state.conversations.values()) {
    if (conversation.kind !== 'room') continue;
    const { roles } = state.moderationOf(conversation.name);
    const moved = roles.get(oldKey);
    if (moved === undefined) continue;
    roles.delete(oldKey);
    const held = new Set([...(roles.get(newKey) ?? []), ...moved]);
    const merged = ROLES.filter((role) => held.has(role));
    roles.set(newKey, merged);
  }
}

const ROLES = ['owner', 'op', 'voice'] as const;

function applyChanges(moderation: RoomModeration, message: Event<'mode'>, time: number): void {
  for (const change of message.changes) {
    if (change.mode === 'owner' || change.mode === 'op' || change.mode === 'voice') {
      const key = foldCase(change.nick);
      const roles = new Set(moderation.roles.get(key) ?? []);
      if (change.on) roles.add(change.mode);
      else roles.delete(change.mode);
      const ordered = ROLES.filter((role) => roles.has(role));
      if (ordered.length === 0) moderation.roles.delete(key);
      else moderation.roles.set(key, ordered);
      continue;
    }
    if (change.mode === 'ban' || change.mode === 'mute') {
      const list = moderation.sanctions[change.mode];
      if (list === undefined) continue;
      const mask = change.mask.toLowerCase();
      const kept = list.filter((entry) => entry.mask.toLowerCase() !== mask);
      if (change.on) {
        kept.push({
          room: foldCase(message.room),
          kind: change.mode,
          mask: change.mask,
          setBy: message.nick,
          setAt: time,
          ...(change.expiresAt === undefined ? {} : { expiresAt: change.expiresAt }),
          reason: change.reason ?? '',
        });
      }
      moderation.sanctions[change.mode] = kept;
      continue;
    }
    if (moderation.modes) applyToModes(moderation.modes, change);
  }
}
