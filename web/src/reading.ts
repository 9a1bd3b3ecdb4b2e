import { foldCase } from '../../src/core/names.js';
import type { Entry, MessageEntry } from './conversation.js';
import { plainText } from './format.js';

/** Messages of one person closer together than this read as one block. */
export const GROUP_WITHIN_MS = 5 * 60_000;

// The characters a nickname can have: a mention is the nick with none of them either side.
const NICK_CHAR = /[A-Za-z0-9_[\]{}\\|^-]/;

/**
 * Whether the text mentions the nickname as a whole word, compared the way the server
 * compares names (ASCII case folding), with IRC formatting ignored ("\x02alice\x02:").
 */
export function mentions(text: string, nick: string): boolean {
  if (nick === '') return false;
  const haystack = foldCase(plainText(text));
  const needle = foldCase(nick);
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    const before = haystack[at - 1];
    const after = haystack[at + needle.length];
    if (
      (before === undefined || !NICK_CHAR.test(before)) &&
      (after === undefined || !NICK_CHAR.test(after))
    ) {
      return true;
    }
  }
  return false;
}

/** Whether a message continues the one before it: same sender, soon after, nothing between. */
export function groupedWithPrevious(previous: Entry | undefined, entry: Entry): boolean {
  return (
    previous?.kind === 'message' &&
    entry.kind === 'message' &&
    !previous.action &&
    !entry.action &&
    foldCase(previous.from) === foldCase(entry.from) &&
    entry.time - previous.time < GROUP_WITHIN_MS
  );
}

/** The first message after the read marker that someone else wrote: the "new" line goes above. */
export function dividerBefore(
  entries: readonly Entry[],
  marker: number | undefined,
  myNick: string | undefined,
): MessageEntry | undefined {
  if (marker === undefined) return undefined;
  const me = myNick === undefined ? undefined : foldCase(myNick);
  for (const entry of entries) {
    if (entry.kind !== 'message' || entry.id === undefined || entry.id <= marker) continue;
    if (foldCase(entry.from) !== me) return entry;
  }
  return undefined;
}
