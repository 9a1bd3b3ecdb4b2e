import { ROLE_PREFIXES } from '../../src/core/moderation/mode-letters.js';
import type { ModeChange, RoleName } from '../../src/protocols/ws/protocol.js';

/**
 * Who may do what to whom in a room, as the server decides it (docs/moderation.md,
 * src/core/moderation): the web client offers only what the server would allow, so a menu
 * never holds an action that can only fail. The server still checks everything.
 */

const ROLES_HIGHEST_FIRST: readonly RoleName[] = ['owner', 'op', 'voice'];

/** The role's name as a tooltip says it. */
export const ROLE_TITLES: Readonly<Record<RoleName, string>> = {
  owner: 'owner',
  op: 'operator',
  voice: 'voiced',
};

/** 3 owner, 2 operator, 1 voice, 0 none: the highest role held, what decides who outranks whom. */
export function rankOf(roles: readonly RoleName[] | undefined): number {
  const highest = highestRole(roles);
  return highest === undefined ? 0 : 3 - ROLES_HIGHEST_FIRST.indexOf(highest);
}

export function highestRole(roles: readonly RoleName[] | undefined): RoleName | undefined {
  return ROLES_HIGHEST_FIRST.find((role) => roles?.includes(role));
}

/** The prefix shown before a nickname (`~`, `@`, `+`) and what it means, or undefined. */
export function badgeOf(
  roles: readonly RoleName[] | undefined,
): { text: string; title: string } | undefined {
  const role = highestRole(roles);
  return role === undefined ? undefined : { text: ROLE_PREFIXES[role], title: ROLE_TITLES[role] };
}

/**
 * The roles one acts with in a room: a server operator acts as its owner would, as the server
 * lets them (src/core/moderation).
 */
export function actingRoles(
  roles: readonly RoleName[] | undefined,
  serverOperator: string | undefined,
): readonly RoleName[] | undefined {
  return serverOperator === undefined ? roles : ['owner', 'op'];
}

/** Operators (and owners) moderate a room: modes, kicks, bans, mutes, voice and op. */
export function mayModerate(roles: readonly RoleName[] | undefined): boolean {
  return rankOf(roles) >= 2;
}

/**
 * Members as IRC clients list them: owners, then operators, then voiced, then the rest, each
 * group by name (ignoring case).
 */
export function sortMembers(
  nicks: Iterable<string>,
  rolesOf: (nick: string) => readonly RoleName[] | undefined,
): string[] {
  return [...nicks]
    .map((nick) => ({ nick, rank: rankOf(rolesOf(nick)) }))
    .sort(
      (a, b) => b.rank - a.rank || a.nick.localeCompare(b.nick, undefined, { sensitivity: 'base' }),
    )
    .map(({ nick }) => nick);
}

export type MemberAction =
  | 'voice'
  | 'devoice'
  | 'op'
  | 'deop'
  | 'owner'
  | 'deowner'
  | 'kick'
  | 'mute'
  | 'ban';

/**
 * What `actor` may do to `target` in a room, in the order a menu lists them:
 * - everyone may drop their own roles, and do nothing else to themselves;
 * - members and voiced members may do nothing to others;
 * - operators act on those at or below their rank (never above): voice, op, kick, ban, and
 *   mute those below operator (operators cannot be muted in their own room);
 * - only owners name or remove owners.
 */
export function memberActions(
  actor: readonly RoleName[] | undefined,
  target: readonly RoleName[] | undefined,
  self: boolean,
): MemberAction[] {
  const has = (role: RoleName) => target?.includes(role) ?? false;
  if (self) {
    const drops: MemberAction[] = [];
    if (has('voice')) drops.push('devoice');
    if (has('op')) drops.push('deop');
    if (has('owner')) drops.push('deowner');
    return drops;
  }
  const actorRank = rankOf(actor);
  const targetRank = rankOf(target);
  if (actorRank < 2 || targetRank > actorRank) return [];
  const actions: MemberAction[] = [has('voice') ? 'devoice' : 'voice', has('op') ? 'deop' : 'op'];
  if (actorRank === 3) actions.push(has('owner') ? 'deowner' : 'owner');
  actions.push('kick');
  if (targetRank < 2) actions.push('mute');
  actions.push('ban');
  return actions;
}

/** The role change a role action asks the server for, or undefined for kick, mute and ban. */
export function roleChange(action: MemberAction, nick: string): ModeChange | undefined {
  switch (action) {
    case 'voice':
    case 'op':
    case 'owner':
      return { mode: action, on: true, nick };
    case 'devoice':
      return { mode: 'voice', on: false, nick };
    case 'deop':
      return { mode: 'op', on: false, nick };
    case 'deowner':
      return { mode: 'owner', on: false, nick };
    default:
      return undefined;
  }
}

/** What a menu item says, for someone else (`Give voice`) or for yourself (`Drop your voice`). */
export function actionLabel(action: MemberAction, self: boolean): string {
  if (self) {
    if (action === 'devoice') return 'Drop your voice';
    if (action === 'deop') return 'Stop being an operator';
    if (action === 'deowner') return 'Stop being an owner';
  }
  const labels: Record<MemberAction, string> = {
    voice: 'Give voice (+v)',
    devoice: 'Take voice (−v)',
    op: 'Make operator (+o)',
    deop: 'Take operator (−o)',
    owner: 'Make owner (+q)',
    deowner: 'Take owner (−q)',
    kick: 'Kick…',
    mute: 'Mute…',
    ban: 'Ban…',
  };
  return labels[action];
}
