import { rolePrefixes } from '../../core/moderation/mode-letters.js';
import { foldCase } from '../../core/names.js';
import type { Room } from '../../core/room.js';

/**
 * Nicknames with their roles' prefixes (~ owner, @ operator, + voice) as NAMES, WHO and WHOIS
 * show them: every prefix for clients with multi-prefix, the highest for the others.
 */
export function withRolePrefixes(
  event: { nicks: readonly string[]; roles?: Readonly<Record<string, number>> },
  all: boolean,
): string[] {
  const { roles } = event;
  if (!roles) return [...event.nicks];
  return event.nicks.map((nick) => `${rolePrefixes(roles[nick] ?? 0, all)}${nick}`);
}

/** The prefixes of one member of a room (empty for none). */
export function prefixIn(room: Room, nick: string, all: boolean): string {
  return rolePrefixes(room.mod.rolesOf(foldCase(nick)), all);
}
