import { ChatError } from './errors.js';

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
