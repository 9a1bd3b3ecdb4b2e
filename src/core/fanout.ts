import type { ChatEvent } from './events.js';
import type { EncodingMemo, Member, MessageRun } from './member.js';

/**
 * Who an event is for, by address rather than by object: room keys and nickname keys mean
 * the same on every server node, so a fan-out shared between nodes can carry an audience
 * where a set of in-process members could not go.
 */
export interface Audience {
  /** The members of these rooms (case-folded names), each once. */
  rooms?: Iterable<string>;
  /** The members holding these nicknames (case-folded), each once. */
  nicks?: Iterable<string>;
  /** Every connected member, registered or not (server notices). */
  everyone?: true;
  /** Left out: the member holding this nickname (the speaker, who is answered otherwise). */
  except?: string;
  /** Left out: the members of these rooms (those that hear of it another way). */
  exceptRooms?: Iterable<string>;
  /**
   * The event is live traffic of this room (key): a member that is being replayed the room
   * gets it after the replay, so the two arrive in order.
   */
  liveIn?: string;
  /**
   * For this node's members only: what each node works out for itself (a big room's
   * summary, the quits of a lost node's users, its own shutdown) or what came from another.
   */
  local?: true;
}

/** Hands events to their audience: the one way the core tells members anything at large. */
export interface Fanout {
  publish(event: ChatEvent, audience: Audience): void;
  /**
   * Room messages published here come back through Chat.elsewhere.receive when their turn comes (a
   * cluster puts every node's messages in one order): the core keeps them for the replay
   * then, not at publishing, or a joiner could get one in both the replay and the stream.
   */
  readonly ordersMessages?: boolean;
  /**
   * Runs `work`, whose publishes (and tells) may be delivered together at its end, each member
   * still getting its events in the order they were published: a group commit's batch of a
   * room's messages is then sent to most members as one run. Left out: work just runs.
   */
  batch?(work: () => void): void;
  /** Gives one member an event of its own, in order with what is being published around it. */
  tell?(member: Member, event: ChatEvent): void;
}

/** Where this process's members are, as the core keeps them. */
export interface LocalDirectory {
  roomMembers(roomKey: string): Iterable<Member> | undefined;
  /** Those of a room's members whose doors show a big room's every join and part. */
  roomFollowers(roomKey: string): Iterable<Member> | undefined;
  memberByNick(nickKey: string): Member | undefined;
  everyone(): Iterable<Member>;
}

/** Live events held for one member while its replay is read; past this it is dropped. */
export const MAX_HELD_EVENTS = 10_000;

/** What a batch gathered: a publish, or an event for one member (tell). */
type Gathered =
  | { event: ChatEvent; audience: Audience; member?: undefined }
  | { event: ChatEvent; member: Member; audience?: undefined };

/**
 * The fan-out within one process: each recipient's door gets the event with a memo shared
 * by the whole audience, so a broadcast is encoded once per wire format; events for a room
 * being replayed to a member wait for the replay.
 */
export class LocalFanout implements Fanout {
  /** While a batch runs: what it published, in order. */
  private gathered: Gathered[] | undefined;

  constructor(
    private readonly directory: LocalDirectory,
    /** Told when a front door failed to take an event (a bug there, not bad input). */
    private readonly onDeliveryError?: (error: unknown, member: Member) => void,
  ) {}

  batch(work: () => void): void {
    if (this.gathered) {
      work();
      return;
    }
    const gathered: Gathered[] = [];
    this.gathered = gathered;
    try {
      work();
    } finally {
      this.gathered = undefined;
      if (!this.deliverAsRun(gathered)) for (const item of gathered) this.deliverOne(item);
    }
  }

  /**
   * A batch of one room's messages (with their senders' own events, tells) goes to every
   * member who is not one of the senders as one run, which its door encodes once for all
   * such members: per member, one call instead of one per message. The senders, and members
   * being replayed the room, get the batch item by item, in order. False, having delivered
   * nothing: the batch is something else.
   */
  private deliverAsRun(gathered: readonly Gathered[]): boolean {
    let roomKey: string | undefined;
    const events: ChatEvent[] = [];
    const excepts: Array<Member | undefined> = [];
    const senders = new Set<Member>();
    for (const item of gathered) {
      if (item.member) {
        senders.add(item.member);
        continue;
      }
      const key = item.event.type === 'message' ? singleRoom(item.audience) : undefined;
      if (key === undefined || key !== item.audience.liveIn) return false;
      if (roomKey !== undefined && key !== roomKey) return false;
      roomKey = key;
      const except =
        item.audience.except === undefined
          ? undefined
          : this.directory.memberByNick(item.audience.except);
      if (except) senders.add(except);
      events.push(item.event);
      excepts.push(except);
    }
    const members = roomKey === undefined ? undefined : this.directory.roomMembers(roomKey);
    if (roomKey === undefined || events.length < 2 || !members) return false;
    const memos: EncodingMemo[] = events.map(() => []);
    const run: MessageRun = { events, memos, memo: [] };
    const told = new Set<Member>();
    for (const recipient of members) {
      if (recipient.gone) continue;
      // Members being replayed the room, or whose door takes no runs, get message by message.
      const whole = recipient.peer.deliverRun !== undefined && !recipient.held?.has(roomKey);
      if (whole && !senders.has(recipient)) {
        this.deliverStretch(run, recipient, 0, events.length, whole, roomKey);
        continue;
      }
      // The stretches between its own messages, and in their places what it is told of them.
      told.add(recipient);
      let from = 0;
      let next = 0;
      for (const item of gathered) {
        if (item.member === undefined) {
          if (excepts[next] === recipient) {
            this.deliverStretch(run, recipient, from, next, whole, roomKey);
            from = next + 1;
          }
          next++;
        } else if (item.member === recipient) {
          this.deliverStretch(run, recipient, from, next, whole, roomKey);
          from = next;
          this.sendTold(recipient, item.event);
        }
      }
      this.deliverStretch(run, recipient, from, next, whole, roomKey);
    }
    // Senders outside the room (it takes messages from outside) get their own events still.
    for (const item of gathered) {
      if (item.member && !told.has(item.member)) this.sendTold(item.member, item.event);
    }
    return true;
  }

  /** The run's messages `from` up to `to`: as one stretch of the run, or one by one. */
  private deliverStretch(
    run: MessageRun,
    recipient: Member,
    from: number,
    to: number,
    whole: boolean,
    roomKey: string,
  ): void {
    if (from >= to) return;
    if (!whole) {
      for (let i = from; i < to; i++)
        this.deliver(run.events[i]!, recipient, run.memos[i]!, roomKey);
      return;
    }
    try {
      recipient.peer.deliverRun!(run, recipient, from, to);
    } catch (error) {
      this.failed(error, recipient);
    }
  }

  tell(member: Member, event: ChatEvent): void {
    if (this.gathered) this.gathered.push({ event, member });
    else member.send(event);
  }

  /** As every delivery: a door that fails to take it is a bug there, and ends that member. */
  private sendTold(member: Member, event: ChatEvent): void {
    try {
      member.send(event);
    } catch (error) {
      this.failed(error, member);
    }
  }

  private deliverOne(item: Gathered): void {
    if (item.member) this.sendTold(item.member, item.event);
    else this.publishNow(item.event, item.audience);
  }

  publish(event: ChatEvent, audience: Audience): void {
    if (this.gathered) this.gathered.push({ event, audience });
    else this.publishNow(event, audience);
  }

  private publishNow(event: ChatEvent, audience: Audience): void {
    const memo: EncodingMemo = [];
    // Compared by identity in the loops: resolved once, not a string comparison per member.
    const except =
      audience.except === undefined ? undefined : this.directory.memberByNick(audience.except);
    const liveIn = audience.liveIn;
    // A big room's join or part is for those who follow them; the rest get a summary.
    const inRoom = isCrowdNotice(event)
      ? (key: string) => this.directory.roomFollowers(key)
      : (key: string) => this.directory.roomMembers(key);
    const single = singleRoom(audience);
    if (single !== undefined) {
      // The common case (a room's message), without the bookkeeping of a union.
      const members = inRoom(single);
      if (!members) return;
      // Once per member per room message, the hottest loop of the server: deliver() is
      // written out in it rather than called (see the profile in BENCHMARKS.md).
      for (const recipient of members) {
        if (recipient === except || recipient.gone) continue;
        const held = liveIn === undefined ? undefined : recipient.held?.get(liveIn);
        if (held) {
          this.hold(held, event, recipient);
          continue;
        }
        try {
          recipient.peer.deliver(event, recipient, memo);
        } catch (error) {
          this.failed(error, recipient);
        }
      }
      return;
    }
    const seen = new Set<Member>();
    if (except) seen.add(except);
    for (const key of audience.exceptRooms ?? []) {
      for (const member of this.directory.roomMembers(key) ?? []) seen.add(member);
    }
    const once = (recipient: Member) => {
      if (seen.has(recipient) || recipient.gone) return;
      seen.add(recipient);
      this.deliver(event, recipient, memo, liveIn);
    };
    if (audience.everyone) for (const recipient of this.directory.everyone()) once(recipient);
    for (const key of audience.rooms ?? []) {
      for (const recipient of inRoom(key) ?? []) once(recipient);
    }
    for (const key of audience.nicks ?? []) {
      const recipient = this.directory.memberByNick(key);
      if (recipient) once(recipient);
    }
  }

  private deliver(event: ChatEvent, recipient: Member, memo: EncodingMemo, liveIn?: string) {
    const held = liveIn === undefined ? undefined : recipient.held?.get(liveIn);
    if (held) {
      this.hold(held, event, recipient);
      return;
    }
    try {
      recipient.peer.deliver(event, recipient, memo);
    } catch (error) {
      this.failed(error, recipient);
    }
  }

  private hold(held: ChatEvent[], event: ChatEvent, recipient: Member): void {
    if (held.length >= MAX_HELD_EVENTS) recipient.peer.disconnect('Too far behind');
    else held.push(event);
  }

  private failed(error: unknown, recipient: Member): void {
    this.onDeliveryError?.(error, recipient);
    recipient.peer.disconnect('Internal error');
  }
}

/** The room key of an audience that is exactly one room's members (less an except), if so. */
function singleRoom(audience: Audience): string | undefined {
  if (audience.nicks || audience.everyone || !isEmpty(audience.exceptRooms)) return undefined;
  const rooms = audience.rooms;
  if (!Array.isArray(rooms) || rooms.length !== 1) return undefined;
  return rooms[0] as string;
}

/** No rooms left out: a quit from big rooms alone leaves none out, and is the common case. */
function isEmpty(rooms: Iterable<string> | undefined): boolean {
  return rooms === undefined || (Array.isArray(rooms) && rooms.length === 0);
}

function isCrowdNotice(event: ChatEvent): boolean {
  return (
    (event.type === 'join' || event.type === 'part' || event.type === 'quit') &&
    event.crowd === true
  );
}
