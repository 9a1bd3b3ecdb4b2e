import type { ErrorCode } from '../../src/core/errors.js';
import { isDuration, MAX_DURATION_MS, parseDuration } from '../../src/core/moderation/durations.js';
import { FLAG_MODES, type FlagMode } from '../../src/core/moderation/mode-change.js';
import { formatModes } from '../../src/core/moderation/mode-letters.js';
import type { ModeChange, RoomModes } from '../../src/protocols/ws/protocol.js';

/**
 * The room settings form and what it asks the server for, the member menu's durations, and
 * how refused joins are worded: plain functions, so they are tested without a page.
 */

/** The longest key the server takes (src/core/moderation/mode-validator.ts). */
const MAX_KEY_LENGTH = 32;
/** The largest member limit the server takes. */
const MAX_MEMBER_LIMIT = 1_000_000;

/** The settings form's fields: the flags, and the key and limit as typed ('' for none). */
export type ModeForm = Record<FlagMode, boolean> & { key: string; limit: string };

export function formOf(modes: RoomModes): ModeForm {
  const form = {
    key: modes.key ?? '',
    limit: modes.limit === undefined ? '' : String(modes.limit),
  };
  for (const flag of FLAG_MODES) Object.assign(form, { [flag]: modes[flag] });
  return form as ModeForm;
}

/** `+ntk sesame`, as IRC shows modes. */
export function describeModes(modes: RoomModes): string {
  const { letters, params } = formatModes(modes);
  return [letters, ...params].join(' ');
}

/**
 * The changes that make the room's modes what the form says (none when they already are),
 * or what is wrong with the form. A new key replaces an old one: the old is removed first,
 * since the server refuses a key on a room that has one.
 */
export function changesFrom(
  current: RoomModes,
  form: ModeForm,
): { changes: ModeChange[] } | { error: string } {
  const changes: ModeChange[] = [];
  for (const flag of FLAG_MODES) {
    if (form[flag] !== current[flag]) changes.push({ mode: flag, on: form[flag] });
  }
  const key = form.key.trim();
  if (key !== (current.key ?? '')) {
    if (key.length > MAX_KEY_LENGTH || /[\s,:]/.test(key)) {
      return {
        error: `A key is 1 to ${MAX_KEY_LENGTH} characters without spaces, commas or colons.`,
      };
    }
    if (current.key !== undefined) changes.push({ mode: 'key', on: false, key: current.key });
    if (key !== '') changes.push({ mode: 'key', on: true, key });
  }
  const limitText = form.limit.trim();
  const limit = limitText === '' ? undefined : Number(limitText);
  if (limit !== current.limit) {
    if (
      limit !== undefined &&
      !(Number.isInteger(limit) && limit >= 1 && limit <= MAX_MEMBER_LIMIT)
    ) {
      return { error: `A member limit is a whole number from 1 to ${MAX_MEMBER_LIMIT}.` };
    }
    changes.push(
      limit === undefined ? { mode: 'limit', on: false } : { mode: 'limit', on: true, limit },
    );
  }
  return { changes };
}

/** What is wrong with a duration as typed (empty is fine: until lifted), or undefined. */
export function durationProblem(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!isDuration(trimmed)) return `"${trimmed}" is not a duration like 30s, 10m, 2h, 7d or 1h30m.`;
  try {
    parseDuration(trimmed);
    return undefined;
  } catch {
    return `A duration is at most ${MAX_DURATION_MS / 86_400_000} days.`;
  }
}

/** A join the server refused, said plainly in the room the user is looking at. */
export function refusalText(
  code: ErrorCode,
  room: string,
  message: string,
  keyGiven: boolean,
): string {
  switch (code) {
    case 'BAD_ROOM_KEY':
      return keyGiven ? `That key does not open ${room}.` : `${room} needs a key to join.`;
    case 'INVITE_ONLY':
      return `Cannot join ${room}. It is invite only: ask one of its operators to invite you.`;
    case 'BANNED_FROM_ROOM':
    case 'ROOM_FULL':
      return `Cannot join ${room}. ${message}`;
    default:
      return `${message} (${code})`;
  }
}
