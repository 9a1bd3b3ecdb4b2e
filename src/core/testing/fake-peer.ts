import { Chat, type ChatOptions } from '../chat.js';
import type { ChatEvent } from '../events.js';
import type { HistoryStore } from '../history.js';
import type { DisconnectCause, Member, Peer } from '../member.js';

/** A member's door for in-process tests: keeps what it is told, and whether it was let go. */
export class FakePeer implements Peer {
  readonly protocol = 'test';
  readonly events: ChatEvent[] = [];
  disconnected: string | undefined;
  /** Why a server operator (or failed OPERs) ended it, if one did. */
  cause: DisconnectCause | undefined;
  /** Set to make the next deliveries throw, as a broken door would. */
  failing = false;

  deliver(event: ChatEvent): void {
    if (this.failing) throw new Error('door broke');
    this.events.push(event);
  }

  disconnect(reason: string, cause?: DisconnectCause): void {
    if (this.disconnected !== undefined) return;
    this.disconnected = reason;
    this.cause = cause;
  }

  /** The events of one type received so far. */
  of<T extends ChatEvent['type']>(type: T): Array<Extract<ChatEvent, { type: T }>> {
    return this.events.filter(
      (event): event is Extract<ChatEvent, { type: T }> => event.type === type,
    );
  }
}

/** A Chat over `history` and a way to add registered members to it. */
export function chatWith(history: HistoryStore, options: Partial<ChatOptions> = {}) {
  const chat = new Chat({ history, ...options });
  const join = async (nick: string): Promise<{ member: Member; peer: FakePeer }> => {
    const peer = new FakePeer();
    const member = chat.attach(peer);
    await chat.register(member, nick);
    return { member, peer };
  };
  return { chat, join };
}
