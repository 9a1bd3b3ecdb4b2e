import type { HistoryStore } from './history.js';
import type { Room } from './room.js';

/**
 * Forgets rooms nobody uses: a room that has been empty for `expiryMs` and has no messages
 * stored is removed from memory and from the store, so rooms made and abandoned do not
 * pile up for ever. Rooms with messages stay (their history would otherwise be orphaned);
 * the lobby always stays.
 */
export class RoomExpiry {
  /** Rooms whose record is being deleted: creating one again waits for that first. */
  private readonly deleting = new Map<string, Promise<void>>();
  private sweeping: Promise<number> | undefined;

  constructor(
    private readonly rooms: Map<string, Room>,
    private readonly history: HistoryStore,
    private readonly lobbyKey: string,
    /** 0 keeps rooms for ever. */
    readonly expiryMs: number,
    private readonly now: () => number,
    /** Members of the room on other server nodes: a room in use there is in use. */
    private readonly othersIn: (key: string) => number = () => 0,
    /** A room's record was deleted: what else is kept of it goes too (its moderation). */
    private readonly forget: (key: string) => Promise<void> = async () => {},
  ) {}

  /** Resolves once no deletion of this room's record is under way. */
  async settled(key: string): Promise<void> {
    await this.deleting.get(key);
  }

  /** Removes the rooms that are due; returns how many went. One sweep at a time. */
  sweep(): Promise<number> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    if (this.expiryMs === 0) return 0;
    const now = this.now();
    const due: Room[] = [];
    for (const room of this.rooms.values()) {
      if (!this.mayExpire(room)) continue;
      // A room restored from the store, or one whose creator never got in, has no time of
      // emptying yet: its clock starts at the first sweep that sees it.
      room.emptySince ??= now;
      if (now - room.emptySince >= this.expiryMs) due.push(room);
    }
    let removed = 0;
    for (const room of due) {
      // Someone may have joined (or spoken) while earlier rooms were being deleted.
      if (this.rooms.get(room.key) !== room || !this.mayExpire(room)) continue;
      // Gone from memory first, so nobody joins it while its record is deleted; a join now
      // creates a new room, whose record is saved after the deletion (see settled).
      this.rooms.delete(room.key);
      // A room made again after this must not inherit the old one's owner or bans.
      const deletion = this.history.deleteEmptyRoom(room.key).then(async (gone) => {
        if (gone) await this.forget(room.key);
        return gone;
      });
      this.deleting.set(
        room.key,
        deletion.then(
          () => undefined,
          () => undefined,
        ),
      );
      let deleted = false;
      try {
        deleted = await deletion;
      } finally {
        this.deleting.delete(room.key);
        // The store still has messages for it (or failed): it stays, unless recreated meanwhile.
        if (!deleted && !this.rooms.has(room.key)) this.rooms.set(room.key, room);
      }
      if (deleted) removed++;
    }
    return removed;
  }

  private mayExpire(room: Room): boolean {
    return (
      room.key !== this.lobbyKey &&
      room.members.size === 0 &&
      room.lastId === 0 &&
      this.othersIn(room.key) === 0
    );
  }
}
