import { randomBytes } from 'node:crypto';
import { ChatError } from './errors.js';
import type { ChatEvent, ClientTags } from './events.js';
import type { Fanout } from './fanout.js';
import { type GroupCommitter, type Relay, StoreBusyError } from './group-commit.js';
import {
  conversationKey,
  type HistoryStore,
  type NewMessage,
  REF_WINDOW_MS,
  type StoredMessage,
} from './history.js';
import type { Member } from './member.js';
import { foldCase } from './names.js';
import { type Presence, requireNick } from './presence.js';
import type { Room } from './room.js';
import type { RoomGate, Rooms } from './rooms.js';
import { checkText } from './rules.js';
import { readOrFail } from './store-access.js';

export interface MessagingOptions {
  history: HistoryStore;
  writer: GroupCommitter;
  fanout: Fanout;
  rooms: Rooms;
  gate: RoomGate;
  presence: Presence;
  historyOnJoin: number;
  maxMessageBytes: number;
  now: () => number;
}

export interface SayOptions {
  action?: boolean;
  room?: string;
  ref?: string;
  tags?: ClientTags;
  /** An IRC NOTICE: relayed as one to IRC clients, stored as an ordinary message. */
  notice?: boolean;
}

// Spread into events for what most messages lack: shared, not made anew for each message.
const NOTHING = Object.freeze({});
const NOTICE = Object.freeze({ notice: true as const });

/** Saying things: to a room or to one person, each stored before anyone receives it. */
export class Messaging {
  constructor(private readonly options: MessagingOptions) {}

  async say(member: Member, text: string, options: SayOptions = {}): Promise<StoredMessage> {
    const from = requireNick(member);
    checkText(text, this.options.maxMessageBytes);
    let room: Room;
    try {
      room = this.roomToSpeakIn(member, options.room);
    } catch (error) {
      return this.sentBefore(error, from, options.ref);
    }
    const action = options.action ?? false;
    const message: NewMessage = {
      target: room.key,
      sender: from,
      text,
      action,
      time: this.options.now(),
      ...(options.ref === undefined ? NOTHING : { ref: options.ref }),
    };
    return this.store(message, (stored) => this.relayToRoom(member, room, stored, options));
  }

  /** Once stored: the sender is told, the room is sent it (with the rest of its batch). */
  private relayToRoom(member: Member, room: Room, stored: StoredMessage, options: SayOptions) {
    // A retry of a send already stored (and relayed then): the sender is only told its id.
    if (stored.repeat) return;
    const { fanout, historyOnJoin } = this.options;
    if (!fanout.ordersMessages) room.remember(stored, historyOnJoin);
    const { sender: from, text, action } = stored;
    // The client's tags travel with the message, and only with it: they are not stored.
    const tags = options.tags === undefined ? NOTHING : { tags: options.tags };
    const notice = options.notice ? NOTICE : NOTHING;
    fanout.tell!(member, {
      type: 'sent',
      target: room.name,
      id: stored.id,
      from,
      text,
      action,
      ...notice,
      time: stored.time,
      ...tags,
    });
    fanout.publish(
      {
        type: 'message',
        id: stored.id,
        room: room.name,
        from,
        text,
        action,
        ...notice,
        time: stored.time,
        ...tags,
      },
      { rooms: [room.key], except: member.nickKey!, liveIn: room.key },
    );
  }

  async privateMessage(
    member: Member,
    target: string,
    text: string,
    action = false,
    ref?: string,
    tags?: ClientTags,
    notice = false,
  ): Promise<StoredMessage> {
    const from = requireNick(member);
    checkText(text, this.options.maxMessageBytes);
    // Here or on another node: a private message reaches a nickname wherever it is.
    const recipient = this.options.presence.describe(target);
    try {
      if (!recipient) throw new ChatError('NO_SUCH_NICK', `Nobody is called "${target}".`);
    } catch (error) {
      return this.sentBefore(error, from, ref);
    }
    const to = recipient.nick;
    const toKey = foldCase(to);
    const message: NewMessage = {
      target: conversationKey(member.nickKey!, toKey),
      sender: from,
      text,
      action,
      time: this.options.now(),
      ...(ref === undefined ? NOTHING : { ref }),
    };
    return this.store(message, (stored) => {
      if (stored.repeat) return;
      const event: ChatEvent = {
        type: 'private',
        id: stored.id,
        from,
        to,
        text,
        action,
        ...(notice ? { notice: true as const } : {}),
        time: stored.time,
        ...(tags === undefined ? NOTHING : { tags }),
      };
      // The sender gets a copy too, so every door can show what was sent and to whom.
      this.options.fanout.publish(event, { nicks: [toKey, member.nickKey!] });
    });
  }

  /**
   * The room a message goes to: the member's (named or current), or, if the room takes
   * messages from outside (-n), a named room they are not in; and they may speak there.
   */
  private roomToSpeakIn(member: Member, roomName: string | undefined): Room {
    const { rooms, gate } = this.options;
    const outside = roomName === undefined ? undefined : rooms.find(roomName);
    const room =
      outside && !outside.members.has(member) && !outside.mod.modes.noOutside
        ? outside
        : rooms.memberRoom(member, roomName);
    gate.maySpeak(member, room);
    return room;
  }

  /**
   * Client tags without a message (a typing notification), to a room the member is in or to a
   * nickname here or on another node. Nothing is stored, so nothing waits: it goes at once, to
   * the sender too (doors that echo show it; the others drop it).
   */
  sendTags(member: Member, target: string, tags: ClientTags): void {
    const from = requireNick(member);
    const id = randomBytes(12).toString('base64url');
    if (target.startsWith('#')) {
      // Those who may not speak there may not say they are typing either.
      const room = this.roomToSpeakIn(member, target);
      this.options.fanout.publish(
        { type: 'tags', id, from, to: room.name, private: false, tags },
        { rooms: [room.key] },
      );
      return;
    }
    const recipient = this.options.presence.describe(target);
    if (!recipient) throw new ChatError('NO_SUCH_NICK', `Nobody is called "${target}".`);
    this.options.fanout.publish(
      { type: 'tags', id, from, to: recipient.nick, private: true, tags },
      { nicks: [foldCase(recipient.nick), member.nickKey!] },
    );
  }

  /**
   * A send that cannot go now (its room was left, its recipient is gone) may be the retry of
   * one stored before, say before a restart: then the sender is told that one's id, as for any
   * retry, instead of an error about the present. Otherwise the error stands.
   */
  private async sentBefore(
    error: unknown,
    from: string,
    ref: string | undefined,
  ): Promise<StoredMessage> {
    if (ref === undefined || !(error instanceof ChatError)) throw error;
    const since = this.options.now() - REF_WINDOW_MS;
    const earlier = await readOrFail(() => this.options.history.findSent(from, ref, since));
    if (!earlier) throw error;
    return { ...earlier, repeat: true };
  }

  /** Stores the message, then relays it with the rest of its batch (GroupCommitter.append). */
  private async store(message: NewMessage, relay: Relay): Promise<StoredMessage> {
    let relaying = false;
    try {
      return await this.options.writer.append(message, (stored) => {
        relaying = true;
        relay(stored);
      });
    } catch (error) {
      // Stored, then failed in relaying it: a bug, not the store's, and reported as it is.
      if (relaying) throw error;
      throw new ChatError(
        'STORE_FAILED',
        error instanceof StoreBusyError
          ? 'Too many messages are waiting to be stored; yours was not sent. Try again shortly.'
          : 'Your message could not be stored, so nobody received it. Try again shortly.',
        { cause: error },
      );
    }
  }
}
