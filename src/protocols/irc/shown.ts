import type { ChatEvent } from '../../core/events.js';
import { foldCase } from '../../core/names.js';
import { CAP_AWAY_NOTIFY, CAP_ECHO_MESSAGE, CAP_MESSAGE_TAGS } from './caps.js';

/** The events that read the same for everyone who gets them (see encodeShared). */
export type SharedEvent = Extract<
  ChatEvent,
  {
    type:
      | 'message'
      | 'private'
      | 'tags'
      | 'join'
      | 'part'
      | 'quit'
      | 'nick'
      | 'topic'
      | 'away'
      | 'mode'
      | 'kick';
  }
>;

/**
 * Whether an IRC client with these capabilities is shown a shared event the core handed it.
 * The core hands senders their own private messages and tags, for the doors that echo: here
 * only clients with echo-message see them (a message to oneself is also one received, so it
 * is always shown). Away changes are for away-notify, tags alone for message-tags.
 */
export function isShown(event: SharedEvent, viewerKey: string | undefined, caps: number): boolean {
  switch (event.type) {
    case 'away':
      return (caps & CAP_AWAY_NOTIFY) !== 0;
    case 'private':
      return (caps & CAP_ECHO_MESSAGE) !== 0 || !ownCopy(event.from, event.to, viewerKey);
    case 'tags':
      if ((caps & CAP_MESSAGE_TAGS) === 0) return false;
      return (
        (caps & CAP_ECHO_MESSAGE) !== 0 ||
        !ownCopy(event.from, event.private ? event.to : undefined, viewerKey)
      );
    default:
      return true;
  }
}

/** The sender's copy of what it sent to someone else (or to a room: `to` undefined). */
function ownCopy(from: string, to: string | undefined, viewerKey: string | undefined): boolean {
  return foldCase(from) === viewerKey && (to === undefined || foldCase(to) !== viewerKey);
}
