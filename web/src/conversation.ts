/** One chat message as shown. */
export interface MessageEntry {
  kind: 'message';
  /** Undefined while our own send waits for its ack. */
  id: number | undefined;
  /** Our own send's ref, until acknowledged. */
  ref: string | undefined;
  from: string;
  text: string;
  action: boolean;
  /** Server time (for a pending send, our best guess of it). */
  time: number;
  failed?: string;
}

/** A line that is not a message: someone joined, the topic changed, an error... */
export interface NoticeEntry {
  kind: 'notice';
  text: string;
  /** Server time: the event's own, or for a notice the client made, the estimated server now. */
  time: number;
  tone: 'info' | 'error';
  /** Arrival order, which decides between notices of the same millisecond. */
  seq: number;
}

export type Entry = MessageEntry | NoticeEntry;

/**
 * Entries kept per conversation, in memory and in the DOM. A screen shows 20 to 60 lines,
 * so 600 is ten screens or more of scrollback before the server has to be asked again
 * (a page is 50), while a tab left open for a week in a busy room stays a few thousand
 * elements: at about six elements a line, 600 lines are some 3,600 elements, which
 * Chromium lays out and restyles without a visible pause on each new message.
 */
export const MAX_ENTRIES = 600;

export interface Conversation {
  /** Folded name: "#dev", or for a private conversation the other person's folded nick. */
  key: string;
  name: string;
  kind: 'room' | 'private';
  /** A window onto the conversation, in time order: at most MAX_ENTRIES of them. */
  entries: Entry[];
  /** Ids of the messages in the window (for telling repeats apart). */
  ids: Set<number>;
  /** The newest message id seen, kept or not (what a resume starts from). */
  lastId: number;
  unread: number;
  /** The newest message id the user has seen on screen. */
  lastRead: number;
  /** Messages after this id are below the "new messages" line (set when the tab is opened). */
  marker: number | undefined;
  /** Members by folded nick, with their spelling; for rooms only. */
  members: Map<string, string>;
  /** More members than listed (a big room lists only the first few on joining). */
  memberTotal: number;
  topic: string;
  /** Whether the window reaches back to the first message still kept. */
  historyComplete: boolean;
  /** Whether the window reaches the live end (false: the reader is back in history). */
  liveEnd: boolean;
  /** A page being fetched: older (before an id), newer (after an id), or the latest. */
  loading: { direction: 'older' | 'newer' | 'latest'; from: number | undefined } | undefined;
  /**
   * Pages asked for and no longer wanted (a jump to the latest overtook them): their answers,
   * which come back in the order asked, are skipped.
   */
  staleAnswers: number;
  /** The reader is at the bottom of this conversation (or it is not on screen). */
  following: boolean;
  /** Still a member (rooms); parted rooms stay readable until closed. */
  joined: boolean;
}

export function newConversation(key: string, name: string, kind: 'room' | 'private'): Conversation {
  return {
    key,
    name,
    kind,
    entries: [],
    ids: new Set(),
    lastId: 0,
    unread: 0,
    lastRead: 0,
    marker: undefined,
    members: new Map(),
    memberTotal: 0,
    topic: '',
    historyComplete: false,
    liveEnd: true,
    loading: undefined,
    staleAnswers: 0,
    following: true,
    joined: kind === 'private',
  };
}

function pending(entry: Entry): boolean {
  return entry.kind === 'message' && entry.id === undefined;
}

/**
 * Whether `a` goes above `b`: by server time; at the same millisecond a message before a
 * notice (a join replay's last message and the join itself can share one), then by id or
 * arrival. Our own unacknowledged sends stay at the bottom until the server gives them a
 * place. (The server stamps messages and events from one clock as it handles them, so time
 * order is id order.)
 */
export function sortsBefore(a: Entry, b: Entry): boolean {
  if (pending(a) || pending(b)) return !pending(a);
  if (a.time !== b.time) return a.time < b.time;
  if (a.kind !== b.kind) return a.kind === 'message';
  if (a.kind === 'message' && b.kind === 'message') return (a.id ?? 0) < (b.id ?? 0);
  return (a as NoticeEntry).seq < (b as NoticeEntry).seq;
}

/** Puts an entry in its place; new entries mostly belong at the end, so it looks from there. */
export function insertEntry(conversation: Conversation, entry: Entry): void {
  const entries = conversation.entries;
  let at = entries.length;
  while (at > 0 && sortsBefore(entry, entries[at - 1]!)) at--;
  entries.splice(at, 0, entry);
  if (entry.kind === 'message' && entry.id !== undefined) conversation.ids.add(entry.id);
}

/** The first and last message ids in the window. */
export function windowIds(conversation: Conversation): { first?: number; last?: number } {
  let first: number | undefined;
  let last: number | undefined;
  for (const entry of conversation.entries) {
    if (entry.kind !== 'message' || entry.id === undefined) continue;
    first ??= entry.id;
    last = entry.id;
  }
  return { first, last };
}

/**
 * Whether a message belongs in the window: not one outside it that the window does not
 * reach (older than its start while history above is unloaded, newer than its end while
 * the reader is back in history). Those are fetched again when scrolled to.
 */
export function fitsWindow(conversation: Conversation, id: number, extending?: 'older'): boolean {
  const { first, last } = windowIds(conversation);
  if (first === undefined || last === undefined) return true;
  if (id < first && !conversation.historyComplete && extending !== 'older') return false;
  if (id > last && !conversation.liveEnd) return false;
  return true;
}

/**
 * Keeps the window at MAX_ENTRIES by dropping from the end far from the reader: the oldest
 * when they follow the live end, else the newest (which then must be fetched again).
 */
export function trimWindow(conversation: Conversation, keep: 'newest' | 'oldest'): boolean {
  const excess = conversation.entries.length - MAX_ENTRIES;
  if (excess <= 0) return false;
  const dropped =
    keep === 'newest'
      ? conversation.entries.splice(0, excess)
      : conversation.entries.splice(MAX_ENTRIES, excess);
  // Our own sends still waiting for their ack are never dropped: they cannot be fetched again.
  conversation.entries.push(...dropped.filter(pending));
  for (const entry of dropped) {
    if (entry.kind === 'message' && entry.id !== undefined) conversation.ids.delete(entry.id);
  }
  if (keep === 'newest') conversation.historyComplete = false;
  else conversation.liveEnd = false;
  return true;
}

/**
 * The connection that carried this conversation's page requests is gone: their answers
 * never come (a new connection answers only what is asked on it), so none is awaited any
 * more, and none is skipped as stale. Without this, a page asked for just before a drop
 * would block paging in that conversation for good.
 */
export function forgetRequests(conversation: Conversation): void {
  conversation.loading = undefined;
  conversation.staleAnswers = 0;
}

/**
 * Starts fetching a page: older than the window, newer than it, or the latest (a jump back
 * to the live end, which starts the window afresh). Returns what to ask the server for, or
 * undefined when there is nothing to fetch or a fetch is already under way.
 */
export function startLoading(
  conversation: Conversation,
  direction: 'older' | 'newer' | 'latest',
): { before?: number; after?: number } | undefined {
  // A jump to the live end is what the user asked for now: it overtakes a page on its way.
  if (conversation.loading && direction === 'latest') conversation.staleAnswers++;
  else if (conversation.loading) return undefined;
  const { first, last } = windowIds(conversation);
  if (direction === 'older') {
    if (conversation.historyComplete) return undefined;
    conversation.loading = { direction, from: first };
    return first === undefined ? {} : { before: first };
  }
  if (direction === 'newer') {
    if (conversation.liveEnd || last === undefined) return undefined;
    conversation.loading = { direction, from: last };
    return { after: last };
  }
  conversation.entries = conversation.entries.filter(pending);
  conversation.ids.clear();
  conversation.historyComplete = false;
  conversation.liveEnd = true;
  conversation.following = true;
  conversation.loading = { direction, from: undefined };
  return {};
}
