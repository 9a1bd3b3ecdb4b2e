import { foldCase } from '../../src/core/names.js';
import type { HistoryMessage, ServerMessage } from '../../src/protocols/ws/protocol.js';
import {
  type Conversation,
  fitsWindow,
  insertEntry,
  type MessageEntry,
  trimWindow,
  windowIds,
} from './conversation.js';

/**
 * Messages into one conversation's window: live ones, a join replay, a resume after a
 * reconnect, acks of our own sends, and the pages the reader scrolls to. Which end of the
 * window gives way, and what counts as unread, depend on where the reader is.
 */

export type Reason = 'live' | 'join' | 'request' | 'resume';

export interface Reader {
  readonly myKey: string | undefined;
  /** The conversation on screen. */
  readonly active: string | undefined;
  /** Whether the page is on screen (a hidden tab reads nothing). */
  readonly visible: boolean;
}

type HistoryPage = Extract<ServerMessage, { type: 'history' }>;

/** Keeps the window bounded, dropping from the end the reader is away from. */
export function keepBounded(conversation: Conversation, reader: Reader): void {
  const readingBack = conversation.key === reader.active && !conversation.following;
  trimWindow(conversation, readingBack ? 'oldest' : 'newest');
}

export function addMessages(
  conversation: Conversation,
  messages: ReadonlyArray<HistoryMessage>,
  reason: Reason,
  reader: Reader,
  extending?: 'older' | 'newer',
): void {
  let unread = 0;
  for (const message of messages) {
    conversation.lastId = Math.max(conversation.lastId, message.id);
    const mine = foldCase(message.from) === reader.myKey;
    // Counted once: a repeat (resume overlapping a replay) is not new.
    const counted =
      !mine &&
      !conversation.ids.has(message.id) &&
      message.id > conversation.lastRead &&
      (reason === 'live' || (reason !== 'request' && conversation.lastRead > 0));
    if (counted) unread++;
    if (conversation.ids.has(message.id)) continue;
    if (extending !== 'newer' && !fitsWindow(conversation, message.id, extending)) continue;
    // Our own private message's copy: it takes over the placeholder waiting for its ack.
    if (mine) {
      const pending = conversation.entries.findIndex(
        (e) => e.kind === 'message' && e.id === undefined && e.text === message.text && !e.failed,
      );
      if (pending !== -1) conversation.entries.splice(pending, 1);
    }
    const entry: MessageEntry = {
      kind: 'message',
      id: message.id,
      ref: undefined,
      from: message.from,
      text: message.text,
      action: message.action,
      time: message.time,
    };
    insertEntry(conversation, entry);
  }
  if (extending === 'older') trimWindow(conversation, 'oldest');
  else if (extending === 'newer') trimWindow(conversation, 'newest');
  else keepBounded(conversation, reader);
  const reading = conversation.key === reader.active && reader.visible && conversation.following;
  if (!reading) conversation.unread += unread;
}

/** Our own send, stored: its placeholder becomes the message. Returns whether it was ours. */
export function acknowledge(
  conversation: Conversation,
  ref: string,
  id: number,
  time: number,
  reader: Reader,
): boolean {
  const index = conversation.entries.findIndex((e) => e.kind === 'message' && e.ref === ref);
  const entry = conversation.entries[index];
  if (entry?.kind !== 'message') return false;
  conversation.entries.splice(index, 1);
  conversation.lastId = Math.max(conversation.lastId, id);
  // Not shown already (a private message's copy may have come first), and in the window.
  if (!conversation.ids.has(id) && fitsWindow(conversation, id)) {
    insertEntry(conversation, { ...entry, id, time, ref: undefined });
    keepBounded(conversation, reader);
  }
  return true;
}

/**
 * A page the reader asked for has come: which way it extends the window, or why it is
 * not taken: `stale`, a jump to the latest overtook it; `moved`, the window moved while it
 * was on its way and it no longer joins on (the reader's scrolling asks again).
 */
export function takePage(
  conversation: Conversation,
  page: HistoryPage,
): 'older' | 'newer' | 'stale' | 'moved' {
  if (conversation.staleAnswers > 0) {
    conversation.staleAnswers--;
    return 'stale';
  }
  const loading = conversation.loading;
  conversation.loading = undefined;
  const { first, last } = windowIds(conversation);
  if (loading?.direction === 'newer') return last === loading.from ? 'newer' : 'moved';
  if (loading?.direction === 'older' && first !== loading.from) return 'moved';
  if (!page.more) conversation.historyComplete = true;
  return 'older';
}

/** After a newer page: caught up, unless a live message went by (dropped) while it was read. */
export function afterNewerPage(conversation: Conversation, page: HistoryPage): void {
  const newest = windowIds(conversation).last ?? 0;
  if (!page.more && newest >= conversation.lastId) conversation.liveEnd = true;
}
