import type { ModeChange } from '../../core/moderation/mode-change.js';
import { ROLE_OP, ROLE_VOICE } from '../../core/moderation/types.js';
import { foldCase } from '../../core/names.js';
import type { Room } from '../../core/room.js';

/*
 * IRC shows the roles as `@` (operator) and `+` (voice), PREFIX=(ov)@+, as InspIRCd and ergo do
 * by default and as IRC clients and bots expect of a channel's creator (`@nick`). The owner
 * role is the other doors' and the core's: an owner outranks the operators here as anywhere,
 * but on IRC shows by the operator role every owner is given with it.
 */

/** A member's prefixes: both for clients with multi-prefix, the higher for the others. */
export function ircPrefixes(roles: number, all: boolean): string {
  let prefixes = '';
  if (roles & ROLE_OP) prefixes += '@';
  if (roles & ROLE_VOICE) prefixes += '+';
  return all ? prefixes : prefixes.slice(0, 1);
}

/** Nicknames with their prefixes, as NAMES shows them. */
export function withRolePrefixes(
  event: { nicks: readonly string[]; roles?: Readonly<Record<string, number>> },
  all: boolean,
): string[] {
  const { roles } = event;
  if (!roles) return [...event.nicks];
  return event.nicks.map((nick) => `${ircPrefixes(roles[nick] ?? 0, all)}${nick}`);
}

/** The prefixes of one member of a room (empty for none), as WHO and WHOIS show them. */
export function prefixIn(room: Room, nick: string, all: boolean): string {
  return ircPrefixes(room.mod.rolesOf(foldCase(nick)), all);
}

/** The changes IRC clients are told of: not the owner role, which they have no mode for. */
export function ircModeChanges(changes: readonly ModeChange[]): readonly ModeChange[] {
  return changes.some((change) => change.mode === 'owner')
    ? changes.filter((change) => change.mode !== 'owner')
    : changes;
}
