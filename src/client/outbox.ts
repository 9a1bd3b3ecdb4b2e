import { randomBytes } from 'node:crypto';
import { foldCase } from '../core/names.js';
import type { ClientMessage, HistoryMessage } from '../protocols/ws/protocol.js';

type Send = Extract<ClientMessage, { type: 'send' }> & { ref: string };

/**
 * The messages the user sent that the server has not acknowledged yet. Each has a random
 * ref: the server stores a ref with its message, so resending after a reconnect is safe (a
 * send it already stored is acknowledged again, not stored twice; docs/websocket.md,
 * "Retrying is safe"). Random, and 96 bits of it, so that whoever takes the nickname later
 * cannot hit one of ours.
 */
export class Outbox {
  /** By ref: the send, and the folded nickname it was sent under. */
  private readonly pending = new Map<string, { send: Send; nickKey: string }>();

  /** A send for the server, kept until its ack comes. */
  add(nick: string, to: string, text: string, action: boolean): Send {
    const send: Send = { type: 'send', to, text, ...(action ? { action } : {}), ref: newRef() };
    this.pending.set(send.ref, { send, nickKey: foldCase(nick) });
    return send;
  }

  /** Its ack came; or its error did, and a send that failed stored nothing to resend. */
  settle(ref: string | null): void {
    if (ref !== null) this.pending.delete(ref);
  }

  /**
   * What to send again after a reconnect as `nick`, oldest first. The server knows a ref only
   * under the nickname it was sent with: under another (ours was still taken), a resend
   * could be stored twice, so those are given up and counted instead.
   */
  resends(nick: string): { again: Send[]; givenUp: number } {
    const again: Send[] = [];
    let givenUp = 0;
    for (const [ref, { send, nickKey }] of this.pending) {
      if (nickKey === foldCase(nick)) again.push(send);
      else {
        this.pending.delete(ref);
        givenUp++;
      }
    }
    return { again, givenUp };
  }

  /** Whether a stored message to `room` could be one of these (same room, text and kind). */
  holds(room: string, message: HistoryMessage): boolean {
    for (const { send } of this.pending.values()) {
      if (
        foldCase(send.to) === foldCase(room) &&
        send.text === message.text &&
        (send.action ?? false) === message.action
      ) {
        return true;
      }
    }
    return false;
  }
}

export function newRef(): string {
  return randomBytes(12).toString('base64url');
}
