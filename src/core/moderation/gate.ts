import type { Member } from '../member.js';
import type { Room } from '../room.js';

/** Where room moderation decides who may come in, speak and set topics (src/core/moderation). */
export interface RoomGate {
  /** Throws why the member may not join the room of this many members with this key. */
  mayJoin(member: Member, room: Room, key: string | undefined, size: number): void;
  /** The member made the room: they own it (stored before anyone can join). */
  created(member: Member, room: Room): Promise<void>;
  /** The member joined (the room has heard it): roles their nickname holds are announced. */
  joined(member: Member, room: Room): void;
  /** Throws why the member may not send to the room. */
  maySpeak(member: Member, room: Room): void;
  /** Throws why the member may not set the room's topic. */
  mayTopic(member: Member, room: Room): void;
  /** A room expired: its moderation is forgotten. */
  forget(roomKey: string): Promise<void>;
  /** A room made elsewhere (another node): its moderation is read. */
  learned(room: Room): Promise<void>;
}

/** A RoomGate for parts built before the moderation that checks their rules. */
export function gateOf(moderation: () => RoomGate): RoomGate {
  return {
    mayJoin: (...args) => moderation().mayJoin(...args),
    created: (...args) => moderation().created(...args),
    joined: (...args) => moderation().joined(...args),
    maySpeak: (...args) => moderation().maySpeak(...args),
    mayTopic: (...args) => moderation().mayTopic(...args),
    forget: (...args) => moderation().forget(...args),
    learned: (...args) => moderation().learned(...args),
  };
}
