import type { ChatError } from '../errors.js';
import { type Member, UNKNOWN_HOST } from '../member.js';
import type { Presence } from '../presence.js';
import { type MaskSubject, matchesMask, normalizeMask } from './masks.js';
import type { ModeChange } from './mode-change.js';
import type { SanctionKind } from './types.js';

/** What a request for mode changes did: the changes made, and why the others were not. */
export interface ModeOutcome {
  applied: ModeChange[];
  refused: ChatError[];
}

/** What sanctions are made through: Moderation's checked, stored and told mode changes. */
interface ModeChanger {
  changeModes(member: Member, roomName: string, changes: ModeChange[]): Promise<ModeOutcome>;
}

/**
 * Bans and mutes as people ask for them: by nickname or by mask, for a while or until lifted.
 * They become mode changes (+b, the mute list), so they are stored, told and enforced as any.
 */

/**
 * The mask a sanction on `target` is set on: a mask as given (completed), or for a nickname
 * of someone connected, their host (`*!*@host`, as IRC clients ban), so a new nickname does
 * not get them out of it; a nickname of nobody connected, that nickname.
 */
export function maskFor(presence: Presence, target: string): { mask: string; nick?: string } {
  if (/[!@*?]/.test(target)) return { mask: normalizeMask(target) };
  const user = presence.describe(target) as (MaskSubject & { nick: string }) | undefined;
  if (!user) return { mask: normalizeMask(target) };
  // A user whose door knows no address (none today but in-process peers) is banned by name.
  if (user.host === undefined || user.host === UNKNOWN_HOST) {
    return { mask: `${user.nick}!*@*`, nick: user.nick };
  }
  return { mask: `*!*@${user.host}`, nick: user.nick };
}

export async function sanction(
  moderation: ModeChanger,
  presence: Presence,
  member: Member,
  roomName: string,
  kind: SanctionKind,
  target: string,
  options: { durationMs?: number; reason?: string; now: number },
): Promise<ModeOutcome> {
  const { mask, nick } = maskFor(presence, target);
  const outcome = await moderation.changeModes(member, roomName, [
    {
      mode: kind,
      on: true,
      mask,
      ...(nick === undefined ? {} : { nick }),
      ...(options.durationMs === undefined ? {} : { expiresAt: options.now + options.durationMs }),
      ...(options.reason ? { reason: options.reason } : {}),
    },
  ]);
  if (outcome.refused.length > 0) throw outcome.refused[0];
  return outcome;
}

/**
 * Lifts sanctions of this kind: the one on a mask as given, or every one that holds on the
 * user with this nickname (however they were set).
 */
export async function lift(
  moderation: ModeChanger,
  presence: Presence,
  member: Member,
  roomName: string,
  kind: SanctionKind,
  target: string,
  room: { mod: { listed(kind: SanctionKind, now: number): { mask: string }[] } },
  now: number,
): Promise<ModeOutcome> {
  let masks: string[];
  if (/[!@*?]/.test(target)) masks = [normalizeMask(target)];
  else {
    const user = (presence.describe(target) as MaskSubject | undefined) ?? { nick: target };
    masks = room.mod
      .listed(kind, now)
      .filter((entry) => matchesMask(entry.mask, user))
      .map((entry) => entry.mask);
  }
  const outcome = await moderation.changeModes(
    member,
    roomName,
    masks.map((mask) => ({ mode: kind, on: false, mask })),
  );
  if (outcome.refused.length > 0) throw outcome.refused[0];
  return outcome;
}
