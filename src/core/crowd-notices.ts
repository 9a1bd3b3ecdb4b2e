import type { ChatEvent } from './events.js';

export interface CrowdNoticeOptions {
  /** Rooms with more members than this summarize joins and parts; 0 never does. */
  above: number;
  /**
   * Rooms (also above `above`) with more members than this tell no one of each join and
   * part, only the summary: at 10,000 members, IRC and web clients' member lists cost 50
   * million JOINs to build. 0 or absent: never.
   */
  quietAbove?: number;
  /** How often a busy room's summary is sent. */
  intervalMs: number;
}

/** Nicknames named in a summary; the rest are counted. */
const NAMED = 5;

type CrowdEvent = Extract<ChatEvent, { type: 'crowd' }>;

interface Pending {
  /** Some of these were told to no one but the summary (the room was quiet then). */
  quiet: boolean;
  joined: string[];
  joinedCount: number;
  left: string[];
  leftCount: number;
}

/**
 * Joins and parts in a big room, gathered into one summary per interval. When thousands
 * arrive at once, telling every member of each one costs the server a million notices and
 * tells a person nothing (Slack hides them in big channels; IRC servers have "auditorium"
 * modes). The individual events still go out, marked `crowd`: IRC and web clients keep their
 * member lists from them, and text doors show the summary instead. In a room past
 * `quietAbove` they reach no one but the joiner or leaver: everyone gets the summary alone
 * (Twitch's IRC stops sending JOIN and PART past 1,000 chatters for the same reason).
 */
export class CrowdNotices {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly options: CrowdNoticeOptions,
    /** Sends a room's summary to its members. */
    private readonly emit: (roomKey: string, event: CrowdEvent) => void,
    /** How many members a room has now, on every node. */
    private readonly sizeOf: (roomKey: string) => number,
    private readonly later: (run: () => void, ms: number) => void = unrefTimeout,
  ) {}

  /** Whether a room of this many members (the joiner counted) summarizes its joins and parts. */
  isCrowded(members: number): boolean {
    return this.options.above > 0 && members > this.options.above;
  }

  /** Whether a room tells no one of each join and part, only the summary. */
  isQuiet(roomKey: string): boolean {
    const quietAbove = this.options.quietAbove ?? 0;
    if (quietAbove <= 0) return false;
    const members = this.sizeOf(roomKey);
    return this.isCrowded(members) && members > quietAbove;
  }

  joined(roomKey: string, roomName: string, nick: string): void {
    const entry = this.entry(roomKey, roomName);
    // No one but the joiner was told: the summary is everyone else's only word of it.
    entry.quiet ||= this.isQuiet(roomKey);
    entry.joinedCount++;
    if (entry.joined.length < NAMED) entry.joined.push(nick);
  }

  left(roomKey: string, roomName: string, nick: string): void {
    const entry = this.entry(roomKey, roomName);
    entry.quiet ||= this.isQuiet(roomKey);
    entry.leftCount++;
    if (entry.left.length < NAMED) entry.left.push(nick);
  }

  private entry(roomKey: string, roomName: string): Pending {
    let entry = this.pending.get(roomKey);
    if (!entry) {
      entry = { quiet: false, joined: [], joinedCount: 0, left: [], leftCount: 0 };
      this.pending.set(roomKey, entry);
      const gathered = entry;
      this.later(() => {
        this.pending.delete(roomKey);
        const { quiet, ...counts } = gathered;
        this.emit(roomKey, {
          type: 'crowd',
          room: roomName,
          ...counts,
          members: this.sizeOf(roomKey),
          ...(quiet ? { quiet } : {}),
        });
      }, this.options.intervalMs);
    }
    return entry;
  }
}

function unrefTimeout(run: () => void, ms: number): void {
  setTimeout(run, ms).unref();
}

/**
 * "12 joined #lobby (ann, bob, cat, dan, eve and 7 others); 1 left (zed)"; without the room
 * where the reader sees it inside the room already (the web client).
 */
export function describeCrowd(event: CrowdEvent, withRoom: boolean): string {
  const who = (named: readonly string[], count: number) => {
    const others = count - named.length;
    if (others === 0) return named.join(', ');
    return `${named.join(', ')} and ${others} other${others === 1 ? '' : 's'}`;
  };
  const room = withRoom ? ` ${event.room}` : '';
  const parts: string[] = [];
  if (event.joinedCount > 0) {
    parts.push(`${event.joinedCount} joined${room} (${who(event.joined, event.joinedCount)})`);
  }
  if (event.leftCount > 0) {
    const where = parts.length > 0 ? '' : room;
    parts.push(`${event.leftCount} left${where} (${who(event.left, event.leftCount)})`);
  }
  return parts.join('; ');
}
