import { foldCase } from '../../src/core/names.js';

/**
 * Where the user was, kept across reloads in localStorage: the rooms they were in, their
 * private tabs, the open conversation, and how far they had read in each. Keyed by server
 * origin and nickname, so two servers, or two people on one browser, do not mix. Anything
 * stored by another version, edited by hand or cut short is read as far as it makes sense
 * and otherwise ignored: a bad entry must never keep the page from starting.
 */
export interface Place {
  rooms: string[];
  privates: string[];
  /** The open conversation's name. */
  active: string | undefined;
  /** The last message id read, by folded conversation name. */
  lastRead: Record<string, number>;
}

const VERSION = 1;
/** Conversations remembered at most (a bound on what a corrupt or old entry can make us do). */
const MAX_CONVERSATIONS = 100;

export function placeKey(origin: string, nick: string): string {
  return `chatroom.place:${origin}:${foldCase(nick)}`;
}

export function emptyPlace(): Place {
  return { rooms: [], privates: [], active: undefined, lastRead: {} };
}

function names(value: unknown, room: boolean): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((name): name is string => typeof name === 'string' && name.length > 0)
    .filter((name) => name.startsWith('#') === room && name.length <= 64)
    .slice(0, MAX_CONVERSATIONS);
}

/** Reads a stored place; whatever is not as written by saveText is left out. */
export function parsePlace(text: string | null): Place {
  if (text === null) return emptyPlace();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return emptyPlace();
  }
  if (typeof value !== 'object' || value === null) return emptyPlace();
  const stored = value as Record<string, unknown>;
  if (stored.v !== VERSION) return emptyPlace();
  const lastRead: Record<string, number> = {};
  if (typeof stored.lastRead === 'object' && stored.lastRead !== null) {
    for (const [key, id] of Object.entries(stored.lastRead).slice(0, MAX_CONVERSATIONS)) {
      if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) lastRead[key] = id;
    }
  }
  return {
    rooms: names(stored.rooms, true),
    privates: names(stored.privates, false),
    active: typeof stored.active === 'string' ? stored.active : undefined,
    lastRead,
  };
}

export function placeText(place: Place): string {
  return JSON.stringify({ v: VERSION, ...place });
}

/** localStorage can be missing, full or forbidden (privacy settings): the page goes on. */
export function loadPlace(storage: Storage, origin: string, nick: string): Place {
  try {
    return parsePlace(storage.getItem(placeKey(origin, nick)));
  } catch {
    return emptyPlace();
  }
}

export function savePlace(storage: Storage, origin: string, nick: string, place: Place): void {
  try {
    storage.setItem(placeKey(origin, nick), placeText(place));
  } catch {
    // Full or forbidden: the place is simply not kept.
  }
}
