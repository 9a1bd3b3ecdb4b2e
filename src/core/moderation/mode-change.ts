import type { RoleName, RoomModes, SanctionKind } from './types.js';

/** The room modes that are on or off, without a parameter. */
export type FlagMode = 'moderated' | 'noOutside' | 'topicLock' | 'inviteOnly' | 'secret';

export const FLAG_MODES: readonly FlagMode[] = [
  'moderated',
  'noOutside',
  'topicLock',
  'inviteOnly',
  'secret',
];

/**
 * One change to a room's modes, roles or sanctions, as it is told to members and to other
 * server nodes: plain data, the same whichever door asked for it. Doors word it their way
 * (IRC as MODE letters: +m +n +t +i +s +k +l +q +o +v +b, mutes as the extban +b m:mask).
 */
export type ModeChange =
  | { mode: FlagMode; on: boolean }
  /** The key is shown to members when set, and '*' when removed. */
  | { mode: 'key'; on: boolean; key: string }
  | { mode: 'limit'; on: boolean; limit?: number }
  | { mode: RoleName; on: boolean; nick: string }
  | {
      mode: SanctionKind;
      on: boolean;
      mask: string;
      /** The nickname it was aimed at, when it was given by nickname. */
      nick?: string;
      expiresAt?: number;
      reason?: string;
    };

/** Applies one change to a room's modes; roles and sanctions are kept elsewhere. */
export function applyToModes(modes: RoomModes, change: ModeChange): void {
  switch (change.mode) {
    case 'moderated':
    case 'noOutside':
    case 'topicLock':
    case 'inviteOnly':
    case 'secret':
      modes[change.mode] = change.on;
      return;
    case 'key':
      if (change.on) modes.key = change.key;
      else delete modes.key;
      return;
    case 'limit':
      if (change.on && change.limit !== undefined) modes.limit = change.limit;
      else delete modes.limit;
      return;
    default:
      return;
  }
}

/** Whether the change is to the room's modes (stored as one record), not a role or a sanction. */
export function isModeRecordChange(change: ModeChange): boolean {
  return (
    (FLAG_MODES as readonly string[]).includes(change.mode) ||
    change.mode === 'key' ||
    change.mode === 'limit'
  );
}
