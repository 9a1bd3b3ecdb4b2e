import { DEFAULTS } from '../config/defaults.js';
import { ChatError } from './errors.js';
import type { Member } from './member.js';
import { RateLimiter, type RateOptions, secondsToWait } from './rate-limit.js';

/**
 * What one user may ask of everyone: a user who created 14,001 rooms in a second made every
 * room list too big to send, and one who changed nickname 2,000 times slowed every member of
 * their rooms. These limits are per connection (room creation, nick changes) and per server
 * (how many rooms exist).
 */
export interface RoomLimitOptions {
  /** New rooms one connection may create. */
  roomCreation: RateOptions;
  /** Rooms the server holds at most; 0: no limit. */
  maxRooms: number;
  /** Nickname changes one connection may make. */
  nickChanges: RateOptions;
}

const { rooms } = DEFAULTS;
export const DEFAULT_ROOM_LIMITS: RoomLimitOptions = {
  roomCreation: { perMinute: rooms.perMinute, burst: rooms.burst },
  maxRooms: rooms.max,
  nickChanges: { perMinute: rooms.nickChangesPerMinute, burst: rooms.nickChangeBurst },
};

export class RoomLimits {
  private readonly creations: RateLimiter<Member>;
  private readonly nickChanges: RateLimiter<Member>;
  /** Rooms being created (saved to the store) right now, not yet in the room count. */
  private creating = 0;

  constructor(
    private readonly options: RoomLimitOptions,
    now: () => number,
  ) {
    this.creations = new RateLimiter(options.roomCreation, now);
    this.nickChanges = new RateLimiter(options.nickChanges, now);
  }

  /**
   * Throws unless `member` may create a room now; on success the caller must call the
   * returned function once the room exists (or failed to), so rooms being saved count too.
   */
  beginCreate(member: Member, roomCount: number): () => void {
    const { maxRooms } = this.options;
    if (maxRooms > 0 && roomCount + this.creating >= maxRooms) {
      throw new ChatError(
        'ROOM_LIMIT',
        `The server already has ${maxRooms} rooms, its limit: join an existing room (/rooms lists them).`,
      );
    }
    const wait = this.creations.take(member);
    if (wait !== undefined) {
      throw new ChatError(
        'ROOM_RATE_LIMIT',
        `You are creating rooms too fast: try again in ${secondsToWait(wait)}.`,
      );
    }
    this.creating++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.creating--;
    };
  }

  /** Throws unless `member` may change nickname now (and counts the change). */
  takeNickChange(member: Member): void {
    const wait = this.nickChanges.take(member);
    if (wait !== undefined) {
      throw new ChatError(
        'NICK_RATE_LIMIT',
        `You are changing nicknames too fast: try again in ${secondsToWait(wait)}.`,
      );
    }
  }
}
