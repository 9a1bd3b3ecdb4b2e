import { describeCrowd } from '../../core/crowd-notices.js';
import type { ChatEvent } from '../../core/events.js';
import type { IrcMessage } from './message.js';

/**
 * A quiet room's summary of joins and parts, as the server's NOTICE to the channel. Only a
 * quiet room's: elsewhere IRC clients get every JOIN and PART and keep their member lists from
 * them, so a summary would only repeat them.
 */
export function crowdNotice(
  event: Extract<ChatEvent, { type: 'crowd' }>,
  serverHost: string,
): IrcMessage | undefined {
  if (!event.quiet) return undefined;
  const members =
    event.members === undefined
      ? ''
      : `; ${event.members} member${event.members === 1 ? '' : 's'} now`;
  return {
    source: serverHost,
    command: 'NOTICE',
    params: [event.room, `${describeCrowd(event, false)}${members}`],
    trailing: true,
  };
}
