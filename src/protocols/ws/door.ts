import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type CloseListener, Connection, type ConnectionLimits } from '../../net/connection.js';
import type { FlushScheduler } from '../../net/flush-scheduler.js';
import { type Admission, refuseSocket } from '../../net/per-ip.js';
import { answerHandshake } from './handshake.js';
import { CLOSE_CODES } from './protocol.js';
import { RecentSends } from './recent-sends.js';
import { type WsDoorContext, WsSession } from './session.js';

export interface WsDoorOptions extends Omit<WsDoorContext, 'recentSends' | 'closeGraceMs'> {
  /** What each client may leave unread, and how long its connection lingers at the end. */
  connectionLimits: ConnectionLimits;
  /** The server's: when connections' output is written (shared with the other doors). */
  flusher: FlushScheduler;
  /** How long shutdown waits for clients to take their last bytes and close. */
  shutdownGraceMs: number;
  recentSends?: RecentSends;
  /** How often clients are pinged; one silent for a whole interval after a ping is dropped. */
  heartbeatMs?: number;
  /** Per-address limits and flood control, asked at each upgrade; none: everyone is let in. */
  admit?: (socket: Socket) => Admission;
}

/** Browsers answer pings by themselves; the web client also pings every 20 s. */
const DEFAULT_HEARTBEAT_MS = 30_000;

export interface WsDoor {
  /** Takes over an HTTP upgrade request already routed here (path and origin checked). */
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * Stops reading every client, acknowledges what they had sent, says goodbye (close code
   * 1001) and resolves once all are gone.
   */
  close(): Promise<void>;
}

/**
 * The WebSocket front door: the opening handshake here, the frames in each session's link.
 * Our own, not the ws library's: its objects (a WebSocket, a Receiver stream, a Sender) cost
 * every idle connection about 1.5 KB more than the rest of the session.
 */
export function createWsDoor(options: WsDoorOptions): WsDoor {
  const context: WsDoorContext = {
    ...options,
    recentSends: options.recentSends ?? new RecentSends(),
    closeGraceMs: options.shutdownGraceMs,
  };
  const sessions = new Map<Connection, WsSession>();
  const forget: CloseListener = (_reason, connection) => sessions.delete(connection);
  let closing = false;
  // One timer for the whole door, not one per connection.
  const heartbeat = setInterval(() => {
    for (const session of sessions.values()) session.heartbeat();
  }, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  heartbeat.unref();

  return {
    accept(request, socket, head) {
      // An http.Server hands upgrades a net.Socket; our writes go to it directly.
      if (closing || !(socket instanceof Socket)) {
        socket.destroy();
        return;
      }
      const admission = options.admit?.(socket);
      if (admission && !admission.ok) {
        // Before the handshake, so an HTTP answer: a browser only sees the WebSocket fail
        // (close code 1006), other clients can read the status and the reason.
        const body = `${admission.reason}\n`;
        refuseSocket(
          socket,
          `HTTP/1.1 429 Too Many Requests\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nretry-after: 60\r\n\r\n${body}`,
          options.shutdownGraceMs,
        );
        return;
      }
      const handshake = answerHandshake(request.method, request.headers);
      if (!handshake.ok) {
        const headers = Object.entries(handshake.headers ?? {})
          .map(([name, value]) => `${name}: ${value}\r\n`)
          .join('');
        const body = `${handshake.reason}\n`;
        refuseSocket(
          socket,
          `HTTP/1.1 ${handshake.status} ${STATUS_CODES[handshake.status]}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${headers}\r\n${body}`,
          options.shutdownGraceMs,
        );
        return;
      }
      if (!socket.readable || !socket.writable) {
        socket.destroy();
        return;
      }
      socket.write(handshake.response);
      // The HTTP server's request timeouts are for requests; this is a conversation now.
      socket.setTimeout(0);
      const connection = new Connection(
        socket,
        'ws',
        options.connectionLimits,
        options.log,
        options.flusher,
      );
      connection.endWhenPeerEnds();
      admission?.connected(connection);
      const session = new WsSession(connection, context, admission?.flood);
      sessions.set(connection, session);
      connection.onClose(forget);
      // Handed over by the HTTP server as it was left: reading starts here.
      socket.resume();
      if (head.length > 0) session.received(head);
    },
    async close() {
      closing = true;
      clearInterval(heartbeat);
      // Each session first answers what it has read (its sends' acks), then closes.
      const closed = [...sessions].map(([connection, session]) => {
        void session.shutdown(
          CLOSE_CODES.GOING_AWAY,
          'Server shutting down',
          options.shutdownGraceMs,
        );
        return connection.whenClosed();
      });
      await Promise.all(closed);
    },
  };
}
