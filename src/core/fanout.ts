import type { ChatEvent } from './events.js';
import type { EncodingMemo, Member } from './member.js';

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
}

/** Hands events to their audience: the one way the core tells members anything at large. */
export interface Fanout {
  publish(event: ChatEvent, audience: Audience): void;
}

/** Where this process's members are, as the core keeps them. */
export interface LocalDirectory {
  roomMembers(roomKey: string): Iterable<Member> | undefined;
  memberByNick(nickKey: string): Member | undefined;
  everyone(): Iterable<Member>;
}

/** Live events held for one member while its replay is read; past this it is dropped. */
export const MAX_HELD_EVENTS = 10_000;

/**
 * The fan-out within one process: each recipient's door gets the event with a memo shared
 * by the whole audience, so a broadcast is encoded once per wire format; events for a room
 * being replayed to a member wait for the replay.
 */
export class LocalFanout implements Fanout {
  constructor(
    private readonly directory: LocalDirectory,
    /** Told when a front door failed to take an event (a bug there, not bad input). */
    private readonly onDeliveryError?: (error: unknown, member: Member) => void,
  ) {}

  publish(event: ChatEvent, audience: Audience): void {
    const memo: EncodingMemo = new Map();
    const except = audience.except;
    const deliver = (recipient: Member) => {
      if (recipient.gone || (except !== undefined && recipient.nickKey === except)) return;
      this.deliver(event, recipient, memo, audience.liveIn);
    };
    const single = singleRoom(audience);
    if (single !== undefined) {
      // The common case (a room's message), without the bookkeeping of a union.
      const members = this.directory.roomMembers(single);
      if (members) for (const recipient of members) deliver(recipient);
      return;
    }
    const skip = new Set<Member>();
    for (const key of audience.exceptRooms ?? []) {
      for (const member of this.directory.roomMembers(key) ?? []) skip.add(member);
    }
    const once = (recipient: Member) => {
      if (skip.has(recipient)) return;
      skip.add(recipient);
      deliver(recipient);
    };
    if (audience.everyone) for (const recipient of this.directory.everyone()) once(recipient);
    for (const key of audience.rooms ?? []) {
      for (const recipient of this.directory.roomMembers(key) ?? []) once(recipient);
    }
    for (const key of audience.nicks ?? []) {
      const recipient = this.directory.memberByNick(key);
      if (recipient) once(recipient);
    }
  }

  private deliver(event: ChatEvent, recipient: Member, memo: EncodingMemo, liveIn?: string) {
    const held = liveIn === undefined ? undefined : recipient.held?.get(liveIn);
    if (held) {
      if (held.length >= MAX_HELD_EVENTS) recipient.peer.disconnect('Too far behind');
      else held.push(event);
      return;
    }
    try {
      recipient.peer.deliver(event, recipient, memo);
    } catch (error) {
      this.onDeliveryError?.(error, recipient);
      recipient.peer.disconnect('Internal error');
    }
  }
}

/** The room key of an audience that is exactly one room's members (less an except), if so. */
function singleRoom(audience: Audience): string | undefined {
  if (audience.nicks || audience.everyone || audience.exceptRooms) return undefined;
  const rooms = audience.rooms;
  if (!Array.isArray(rooms) || rooms.length !== 1) return undefined;
  return rooms[0] as string;
}
