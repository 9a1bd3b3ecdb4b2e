import { ChatError } from './errors.js';

/**
 * Nicknames and room names are compared after ASCII case folding (A-Z to a-z, nothing else).
 * This is IRC's `CASEMAPPING=ascii`: unlike rfc1459 it does not make `[` and `{` the same
 * letter, which surprises users more than it helps them.
 */
export const CASEMAPPING = 'ascii';

export const NICK_MAX_LENGTH = 32;
export const ROOM_MAX_LENGTH = 50;
export const NICK_SPECIALS = '-_[]{}\\|^';

const NICK_PATTERN = /^[A-Za-z_[\]{}\\|^][A-Za-z0-9_[\]{}\\|^-]*$/;
// Room names reuse the nickname alphabet plus '.', so they are safe on every front door
// (no spaces, commas, colons or control characters, which IRC gives meaning to).
const ROOM_PATTERN = /^#[A-Za-z0-9_[\]{}\\|^.-]+$/;

const UPPER = /[A-Z]/;

export function foldCase(name: string): string {
  // Tested first: most names are already folded, and this runs several times per message.
  return UPPER.test(name) ? name.replace(/[A-Z]+/g, (upper) => upper.toLowerCase()) : name;
}

export function checkNick(nick: string): ChatError | undefined {
  if (nick.length === 0) return new ChatError('NICK_INVALID', 'A nickname cannot be empty.');
  if (nick.length > NICK_MAX_LENGTH) {
    return new ChatError(
      'NICK_INVALID',
      `Nickname is too long: at most ${NICK_MAX_LENGTH} characters.`,
    );
  }
  if (!NICK_PATTERN.test(nick)) {
    return new ChatError(
      'NICK_INVALID',
      `"${printable(nick)}" is not a valid nickname: use letters, digits and ${NICK_SPECIALS}, not starting with a digit or "-".`,
    );
  }
  if (RESERVED_NICKS.has(foldCase(nick))) {
    return new ChatError(
      'NICK_INVALID',
      `"${nick}" is reserved: the text doors say "${nick} joined #room" of the reader's own joins.`,
    );
  }
  return undefined;
}

/**
 * Nicknames that would make a notice about their owner read as one about the reader: the
 * text doors tell you "You joined #staff", and tell others "alice joined #staff".
 */
const RESERVED_NICKS: ReadonlySet<string> = new Set(['you']);

export function checkRoomName(room: string): ChatError | undefined {
  if (room.length > ROOM_MAX_LENGTH || !ROOM_PATTERN.test(room)) {
    return new ChatError(
      'ROOM_INVALID',
      `"${printable(room)}" is not a valid room name: "#" followed by up to ${ROOM_MAX_LENGTH - 1} letters, digits, "." or ${NICK_SPECIALS}.`,
    );
  }
  return undefined;
}

/** Keeps user-supplied names quotable in error messages without echoing control characters. */
function printable(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return shown.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
