import { ChatError } from '../errors.js';
import { foldCase } from '../names.js';

/** Longest mask kept: a nickname, a username and a host with room to spare. */
export const MAX_MASK_LENGTH = 200;

/** Whom a mask is matched against: a user as others see them. */
export interface MaskSubject {
  readonly nick: string;
  /** As shown (`~name` when not verified); unknown matches only a `*`. */
  readonly username?: string;
  readonly host?: string;
}

/** The user's full mask, nick!user@host. */
export function maskOf(subject: MaskSubject): string {
  return `${subject.nick}!${subject.username ?? '*'}@${subject.host ?? '*'}`;
}

/**
 * A mask as typed completed to nick!user@host, as IRC servers do: `bob` is `bob!*@*`,
 * `bob!x` is `bob!x@*`, `x@host` is `*!x@host`. Refused: spaces, commas, empty, too long.
 */
export function normalizeMask(input: string): string {
  if (input === '' || input.length > MAX_MASK_LENGTH || /[\s,\0]/.test(input)) {
    throw new ChatError('BAD_MODE_PARAM', `"${input.slice(0, 50)}" is not a valid mask.`);
  }
  const bang = input.indexOf('!');
  const at = input.indexOf('@', bang + 1);
  if (bang === -1 && at === -1) {
    return input.includes('@') ? `*!${input}` : `${input}!*@*`;
  }
  if (bang === -1) return `*!${input}`;
  if (at === -1) return `${input}@*`;
  return input;
}

const compiled = new Map<string, RegExp>();
/** Compiled masks kept; past this the cache starts over (masks are few, typed by people). */
const MAX_COMPILED = 10_000;

/** Whether the mask (with * and ? wildcards) matches, without regard to case. */
export function matchesMask(mask: string, subject: MaskSubject | string): boolean {
  const full = typeof subject === 'string' ? subject : maskOf(subject);
  return compile(mask).test(foldCase(full));
}

function compile(mask: string): RegExp {
  let pattern = compiled.get(mask);
  if (!pattern) {
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    const source = foldCase(mask)
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*+/g, '.*')
      .replace(/\?/g, '.');
    pattern = new RegExp(`^${source}$`, 's');
    compiled.set(mask, pattern);
  }
  return pattern;
}
