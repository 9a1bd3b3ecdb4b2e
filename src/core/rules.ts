import { ChatError } from './errors.js';
import type { ClientTags } from './events.js';

/** Reasons (part, quit) are cut to this many characters. */
export const MAX_REASON_LENGTH = 200;
/** Away messages are cut to this many characters. */
export const MAX_AWAY_LENGTH = 200;

/** What any text a user has others read (a message, a topic) must be. */
export function checkText(text: string, maxBytes: number, allowEmpty = false): void {
  if (!allowEmpty && text.trim() === '') {
    throw new ChatError('BAD_ARGUMENTS', 'There is nothing to send.');
  }
  if (/[\0\r\n]/.test(text)) {
    throw new ChatError('TEXT_INVALID', 'Text cannot contain NUL, CR or LF characters.');
  }
  if (Buffer.byteLength(text) > maxBytes) {
    throw new ChatError('TEXT_TOO_LONG', `Messages are at most ${maxBytes} bytes.`);
  }
}

/** A reason as others see it: one line, trimmed, cut to a length. */
export function cleanReason(reason: string, maxLength = MAX_REASON_LENGTH): string {
  const clean = reason.replace(/[\0\r\n]/g, ' ').trim();
  return clean.length > maxLength ? clean.slice(0, maxLength) : clean;
}

/** IRCv3's allowance for the tags of one client's message. */
export const MAX_CLIENT_TAG_BYTES = 4094;

/** A client-only tag's key: "+", then a name, maybe after a vendor ("+example.org/name"). */
export const CLIENT_TAG_KEY = /^\+(?:[A-Za-z0-9.-]+\/)?[A-Za-z0-9-]+$/;

/** The bytes of tags written out: key=value, separated by ';' (values unescaped). */
export function clientTagBytes(tags: ClientTags): number {
  let bytes = -1;
  for (const [key, value] of Object.entries(tags)) {
    bytes += Buffer.byteLength(key) + (value === '' ? 0 : 1 + Buffer.byteLength(value)) + 1;
  }
  return Math.max(bytes, 0);
}
