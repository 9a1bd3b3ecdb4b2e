import type { FlagMode, ModeChange } from './mode-change.js';
import { ROLE_OP, ROLE_OWNER, ROLE_VOICE, type RoleName, type RoomModes } from './types.js';

/**
 * The mode letters, as IRC has them and the text doors' /mode takes them: one table, so the
 * doors agree. Roles: q owner, o operator, v voice. Lists: b bans; mutes are InspIRCd's
 * extban `m:` on the ban list (+b m:mask).
 */
export const FLAG_LETTERS: Readonly<Record<FlagMode, string>> = {
  moderated: 'm',
  noOutside: 'n',
  topicLock: 't',
  inviteOnly: 'i',
  secret: 's',
};

export const ROLE_LETTERS: Readonly<Record<RoleName, string>> = { owner: 'q', op: 'o', voice: 'v' };

/** The prefix shown before a nickname for each role, highest first. */
export const ROLE_PREFIXES: Readonly<Record<RoleName, string>> = {
  owner: '~',
  op: '@',
  voice: '+',
};

/** The extban prefix that puts a mask on the mute list instead of the ban list. */
export const MUTE_EXTBAN = 'm:';

const LETTER_FLAGS = new Map(
  Object.entries(FLAG_LETTERS).map(([flag, letter]) => [letter, flag as FlagMode]),
);
/** Letters that take a parameter, at least when set. */
const PARAMETERIZED = new Set([...Object.values(ROLE_LETTERS), 'k', 'l', 'b']);
const LETTER_ROLES = new Map(
  Object.entries(ROLE_LETTERS).map(([role, letter]) => [letter, role as RoleName]),
);

export interface ParsedModes {
  changes: ModeChange[];
  /** Letters that are no mode here. */
  unknown: string[];
  /** List modes asked for without a parameter (`+b`): the list is wanted. */
  listQueries: ('ban' | 'mute')[];
  /** Letters that needed a parameter and had none. */
  missing: string[];
  /** Member limits given that are no number (`+l abc`), as given: IRC's 696 names them. */
  badLimits: string[];
}

/**
 * A mode string and its parameters (`+ov-k alice bob key`) as changes, IRC's way. Past
 * `maxParams` parameterized letters the rest of those are ignored, as IRC servers do beyond
 * the MODES they advertise: a client sending more gets no pile of errors to read.
 */
export function parseModes(
  modeString: string,
  params: readonly string[],
  maxParams = Number.POSITIVE_INFINITY,
): ParsedModes {
  const parsed: ParsedModes = {
    changes: [],
    unknown: [],
    listQueries: [],
    missing: [],
    badLimits: [],
  };
  let on = true;
  let next = 0;
  const param = () => params[next++];
  for (const letter of modeString) {
    if (letter === '+' || letter === '-') {
      on = letter === '+';
      continue;
    }
    const flag = LETTER_FLAGS.get(letter);
    if (flag) {
      parsed.changes.push({ mode: flag, on });
      continue;
    }
    if (next >= maxParams && PARAMETERIZED.has(letter)) continue;
    const role = LETTER_ROLES.get(letter);
    if (role) {
      const nick = param();
      if (nick === undefined) parsed.missing.push(letter);
      else parsed.changes.push({ mode: role, on, nick });
      continue;
    }
    switch (letter) {
      case 'k': {
        // Removing a key takes a parameter on IRC ("-k *"), though any will do.
        const key = param();
        if (on && key === undefined) parsed.missing.push(letter);
        else parsed.changes.push({ mode: 'key', on, key: key ?? '*' });
        break;
      }
      case 'l': {
        if (!on) {
          parsed.changes.push({ mode: 'limit', on: false });
          break;
        }
        const value = param();
        if (value === undefined) parsed.missing.push(letter);
        else if (!/^\d{1,9}$/.test(value)) parsed.badLimits.push(value);
        else parsed.changes.push({ mode: 'limit', on, limit: Number(value) });
        break;
      }
      case 'b': {
        const mask = param();
        if (mask === undefined) {
          parsed.listQueries.push('ban');
          break;
        }
        const mute = mask.toLowerCase().startsWith(MUTE_EXTBAN);
        const bare = mute ? mask.slice(MUTE_EXTBAN.length) : mask;
        parsed.changes.push({ mode: mute ? 'mute' : 'ban', on, mask: bare });
        break;
      }
      default:
        parsed.unknown.push(letter);
    }
  }
  return parsed;
}

/** A room's modes as IRC shows them: `+ntk key` (the key as the viewer may see it). */
export function formatModes(modes: RoomModes): { letters: string; params: string[] } {
  let letters = '+';
  const params: string[] = [];
  for (const [flag, letter] of Object.entries(FLAG_LETTERS)) {
    if (modes[flag as FlagMode]) letters += letter;
  }
  if (modes.key !== undefined) {
    letters += 'k';
    params.push(modes.key);
  }
  if (modes.limit !== undefined) {
    letters += 'l';
    params.push(String(modes.limit));
  }
  return { letters, params };
}

/** Changes as one IRC mode string and its parameters: `+o-v alice bob`. */
export function formatChanges(changes: readonly ModeChange[]): {
  letters: string;
  params: string[];
} {
  let letters = '';
  let sign = '';
  const params: string[] = [];
  for (const change of changes) {
    const wanted = change.on ? '+' : '-';
    if (wanted !== sign) {
      letters += wanted;
      sign = wanted;
    }
    switch (change.mode) {
      case 'owner':
      case 'op':
      case 'voice':
        letters += ROLE_LETTERS[change.mode];
        params.push(change.nick);
        break;
      case 'key':
        letters += 'k';
        params.push(change.key);
        break;
      case 'limit':
        letters += 'l';
        if (change.on && change.limit !== undefined) params.push(String(change.limit));
        break;
      case 'ban':
        letters += 'b';
        params.push(change.mask);
        break;
      case 'mute':
        letters += 'b';
        params.push(`${MUTE_EXTBAN}${change.mask}`);
        break;
      default:
        letters += FLAG_LETTERS[change.mode];
    }
  }
  return { letters, params };
}

/** The prefixes of a member's roles: all of them (multi-prefix), or the highest only. */
export function rolePrefixes(roles: number, all: boolean): string {
  let prefixes = '';
  if (roles & ROLE_OWNER) prefixes += ROLE_PREFIXES.owner;
  if (roles & ROLE_OP) prefixes += ROLE_PREFIXES.op;
  if (roles & ROLE_VOICE) prefixes += ROLE_PREFIXES.voice;
  return all ? prefixes : prefixes.slice(0, 1);
}
