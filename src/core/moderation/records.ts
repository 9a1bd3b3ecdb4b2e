import { foldCase } from '../names.js';
import type { Room } from '../room.js';
import { isModeRecordChange, type ModeChange } from './mode-change.js';
import { type ModerationChange, type NewAuditEntry, ROLE_BITS, type RoomModes } from './types.js';

/**
 * What the store keeps of a room's mode changes made by `actor`: the records they change
 * (the room's modes as one record, each nickname's roles as one, each sanction) and one audit
 * entry per change, written together.
 */
export function recordsOf(
  room: Room,
  applied: readonly ModeChange[],
  modes: RoomModes,
  actor: string,
  now: number,
): { changes: ModerationChange[]; entries: NewAuditEntry[] } {
  const changes: ModerationChange[] = [];
  const roles = new Map<string, number>();
  for (const change of applied) {
    if (change.mode === 'owner' || change.mode === 'op' || change.mode === 'voice') {
      const key = foldCase(change.nick);
      const before = roles.get(key) ?? room.mod.rolesOf(key);
      const bit = ROLE_BITS[change.mode];
      roles.set(key, change.on ? before | bit : before & ~bit);
    } else if (change.mode === 'ban' || change.mode === 'mute') {
      changes.push(
        change.on
          ? {
              kind: 'sanction',
              sanction: {
                room: room.key,
                kind: change.mode,
                mask: change.mask,
                setBy: actor,
                setAt: now,
                ...(change.expiresAt === undefined ? {} : { expiresAt: change.expiresAt }),
                reason: change.reason ?? '',
              },
            }
          : { kind: 'lift', room: room.key, sanction: change.mode, mask: change.mask },
      );
    }
  }
  for (const [nick, bits] of roles)
    changes.push({ kind: 'roles', room: room.key, nick, roles: bits });
  if (applied.some(isModeRecordChange)) changes.push({ kind: 'modes', room: room.key, modes });
  return { changes, entries: applied.map((change) => auditOf(change, room.key, actor, now)) };
}

/** The audit entry of one change: what was done, to whom or what, why, until when. */
function auditOf(change: ModeChange, room: string, actor: string, time: number): NewAuditEntry {
  const base = { room, time, actor, reason: '' };
  switch (change.mode) {
    case 'owner':
    case 'op':
    case 'voice':
      return { ...base, action: `${change.on ? '' : 'de'}${change.mode}`, target: change.nick };
    case 'ban':
    case 'mute':
      return {
        ...base,
        action: `${change.on ? '' : 'un'}${change.mode}`,
        target: change.nick === undefined ? change.mask : `${change.nick} (${change.mask})`,
        reason: change.reason ?? '',
        ...(change.expiresAt === undefined ? {} : { expiresAt: change.expiresAt }),
      };
    case 'key':
      return { ...base, action: 'mode', target: change.on ? '+k' : '-k' };
    case 'limit':
      return { ...base, action: 'mode', target: change.on ? `+l ${change.limit}` : '-l' };
    default:
      return { ...base, action: 'mode', target: `${change.on ? '+' : '-'}${change.mode}` };
  }
}
