import type { DisconnectCause } from './errors.js';
import type { ChatEvent } from './events.js';
import type { SpeakVerdict } from './moderation/types.js';
import { foldCase } from './names.js';

/**
 * Scratch space shared by all deliveries of one event, so a front door encodes a broadcast
 * once per wire format (and viewpoint) instead of once per recipient. The core only creates
 * it; what goes in it is the front doors' business.
 */
// An array indexed by the doors' slots, not a Map: it is looked into once per recipient of
// every broadcast, and an element load is cheaper than a hash lookup.
export type EncodingMemo = unknown[];

/**
 * Why a node ends its connections when it may no longer serve them (its cluster took it for
 * lost): the client should connect again, to another node. Doors that can say so in their
 * own terms (a WebSocket close code) look for it.
 */
export const RECONNECT_ELSEWHERE = 'This server lost touch with the others; please reconnect';

export type { DisconnectCause };

/** The core's handle on a connection: it can be handed events and asked to go away. */
export interface Peer {
  readonly protocol: string;
  /**
   * False for doors that show a big room's joins and parts only as summaries: the fan-out
   * then leaves them out of those events (see Room.followers). Left out, it means true.
   */
  readonly followsCrowds?: boolean;
  deliver(event: ChatEvent, viewer: Member, memo: EncodingMemo): void;
  /**
   * The run's messages `from` up to `to` (not included), none of them the viewer's own, to be
   * sent in this order: the same run goes to most of a room, so a door encodes it once per
   * wire format and viewpoint and sends each viewer its stretch. Left out: they are delivered
   * one by one.
   */
  deliverRun?(run: MessageRun, viewer: Member, from: number, to: number): void;
  disconnect(reason: string, cause?: DisconnectCause): void;
  /**
   * The address the connection comes from, for the checks and logs of the server alone (an
   * operator's allowed hosts): never shown to users, who see a cloak. Peers without one leave
   * it out.
   */
  address?(): string | undefined;
  /**
   * Resolves once the client has read what it was sent: a long answer is sent in pieces,
   * waiting for this between them. Peers without a connection leave it out.
   */
  caughtUp?(): Promise<void>;
  /**
   * What the door knows of its user that other doors may be shown (IRC's real name and user
   * name from USER, user mode +i, the cloak of the address); doors with nothing to add leave
   * it out.
   */
  profile?(): PeerProfile;
}

export interface PeerProfile {
  realname?: string;
  /** Left out of room listings for anyone outside the room. */
  hidden?: boolean;
  /** The user name as shown (IRC's, from USER, with its "~"); by default "~" and the door's name. */
  username?: string;
  /** Where the user connects from as shown to others: a cloak, never the address itself. */
  host?: string;
}

/**
 * The host shown for a user whose door gave none (a peer without a connection, a node that
 * did not say): `.invalid` is the name reserved for names that stand for nothing (RFC 2606).
 */
export const UNKNOWN_HOST = 'unknown.invalid';

/** One room's messages delivered together (Peer.deliverRun, LocalFanout.batch). */
export interface MessageRun {
  readonly events: readonly ChatEvent[];
  /** Each message's memo, shared with those who get it on its own. */
  readonly memos: readonly EncodingMemo[];
  /** The run's own, for its encodings as a whole. */
  readonly memo: EncodingMemo;
}

/** A registered user as others may see them: a copy, so no one reaches into core state. */
export interface MemberView {
  readonly nick: string;
  readonly away: string | undefined;
  /** The front door they came in by ('irc', 'ws', ...). */
  readonly door: string;
  /** Their real name, if their door has one. */
  readonly realname: string | undefined;
  readonly hidden: boolean;
  /** As shown in an IRC mask (nick!username@host): "~alice" from IRC, "~line" from the line door. */
  readonly username: string;
  /** A cloak of their address (or UNKNOWN_HOST), never the address itself. */
  readonly host: string;
  /** A server operator (IRC's user mode +o, WHOIS 313); absent from older nodes' users. */
  readonly operator?: boolean;
}

/** One connected user as the core sees them. */
export class Member {
  nick: string | undefined;
  nickKey: string | undefined;
  /** Room keys (case-folded names) this member belongs to, in join order. */
  readonly rooms = new Set<string>();
  /** Where plain text goes on doors that have no per-message target (line, framed). */
  currentRoom: string | undefined;
  currentRoomKey: string | undefined;
  gone = false;
  /** When this member took its current nickname (ms since the epoch). */
  registeredAt = 0;
  /** The name of the server operator this member is, after OPER; undefined for most. */
  operator: string | undefined;
  /** The away message, while the member has said they are away (IRC's AWAY). */
  away: string | undefined;
  /**
   * Rooms whose live events are held back while a replay for them is being read from the
   * store, so the replay and the live stream arrive in order.
   */
  // Created on first use: an idle connection should cost as little memory as possible.
  held: Map<string, ChatEvent[]> | undefined;
  /** The mutes and bans holding on it in the rooms it spoke in, by room key (enforcement.ts). */
  speakVerdicts: Map<string, SpeakVerdict> | undefined;

  constructor(
    readonly id: number,
    readonly peer: Peer,
  ) {}

  get registered(): boolean {
    return this.nick !== undefined;
  }

  setNick(nick: string): void {
    this.nick = nick;
    this.nickKey = foldCase(nick);
  }

  setCurrentRoom(room: string | undefined): void {
    this.currentRoom = room;
    this.currentRoomKey = room === undefined ? undefined : foldCase(room);
  }

  /** This member as others see them; undefined until it has a nickname. */
  view(): MemberView | undefined {
    if (this.nick === undefined) return undefined;
    const profile = this.peer.profile?.();
    const view: MemberView = {
      nick: this.nick,
      away: this.away,
      door: this.peer.protocol,
      realname: profile?.realname,
      hidden: profile?.hidden ?? false,
      username: profile?.username ?? `~${this.peer.protocol}`,
      host: profile?.host ?? UNKNOWN_HOST,
    };
    // Asked for once per broadcast by some doors: nothing more is made for most members.
    return this.operator === undefined ? view : { ...view, operator: true };
  }

  send(event: ChatEvent): void {
    if (!this.gone) this.peer.deliver(event, this, []);
  }
}
