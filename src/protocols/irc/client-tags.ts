import type { ClientTags } from '../../core/events.js';
import { CLIENT_TAG_KEY } from '../../core/rules.js';
import type { IrcMessage } from './message.js';

/**
 * The client-only tags ("+typing", "+draft/reply") of a client's message, for the others it
 * goes to; undefined if it has none. The tags a server would set (time, msgid, batch...) are
 * the server's to say: a client's are dropped. The size was checked when the line was read.
 */
export function clientTagsOf(message: IrcMessage): ClientTags | undefined {
  if (!message.tags) return undefined;
  const tags: Record<string, string> = {};
  let any = false;
  for (const [key, value] of message.tags) {
    if (!CLIENT_TAG_KEY.test(key)) continue;
    tags[key] = value;
    any = true;
  }
  return any ? tags : undefined;
}
