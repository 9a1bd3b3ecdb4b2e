import type { Room } from '../room.js';
import type { Sanction } from './types.js';

/** setTimeout's longest delay (about 24.8 days); a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Lifts timed bans and mutes when their time is up and says so, as IRC servers do
 * (`:server MODE #room -b mask`): a sanction also lapses on its own when next checked, but
 * clients that keep ban lists would show it for ever. One timer for the soonest expiry of
 * every room, not one per sanction; each node runs its own for its own members.
 */
export class SanctionExpiry {
  private timer: NodeJS.Timeout | undefined;
  private due: number | undefined;

  constructor(
    private readonly rooms: () => Iterable<Room>,
    private readonly lifted: (room: Room, sanctions: Sanction[]) => void,
    private readonly now: () => number,
  ) {}

  /** A sanction that lifts at `expiresAt` was set, here or on another node. */
  expect(expiresAt: number): void {
    if (this.due === undefined || expiresAt < this.due) this.arm(expiresAt);
  }

  /** Lifts what is due in every room, then waits for the next. */
  sweep(): void {
    this.disarm();
    const now = this.now();
    let next: number | undefined;
    for (const room of this.rooms()) {
      const dropped = room.mod.dropExpired(now);
      if (dropped.length > 0) this.lifted(room, dropped);
      const at = room.mod.nextExpiry();
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    if (next !== undefined) this.arm(next);
  }

  stop(): void {
    this.disarm();
  }

  private arm(at: number): void {
    this.disarm();
    this.due = at;
    const delay = Math.min(Math.max(at - this.now(), 0), MAX_TIMER_MS);
    this.timer = setTimeout(() => this.sweep(), delay);
    // A pending expiry must not keep a stopping server (or a test) alive.
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.due = undefined;
  }
}
