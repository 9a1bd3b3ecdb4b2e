import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { type CloseListener, Connection, type ConnectionLimits } from '../../net/connection.js';
import type { FlushScheduler } from '../../net/flush-scheduler.js';
import { type Admission, refuseSocket } from '../../net/per-ip.js';
import { CLOSE_CODES, MAX_CLIENT_MESSAGE_BYTES, MAX_CLIENT_MESSAGE_FRAGMENTS } from './protocol.js';
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

/** Why ws closed a connection, by the code it closes with on a client's protocol violation. */
const VIOLATIONS: ReadonlyMap<number, string> = new Map([
  [CLOSE_CODES.PROTOCOL_ERROR, 'Protocol error'],
  [CLOSE_CODES.INVALID_UTF8, 'Invalid UTF-8'],
  [CLOSE_CODES.POLICY_VIOLATION, 'Too many message fragments'],
  [CLOSE_CODES.MESSAGE_TOO_BIG, 'Message too big'],
]);

/**
 * ws closes with a bare code when a client breaks a rule (its reason goes only to the 'error'
 * event, after the close frame is sent), so a client could not tell "too many fragments" from
 * any other policy. It is the only caller that gives no reason (an echoed close passes the
 * client's, even an empty one), so that is where the reason is filled in.
 */
class ExplainingWebSocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    super.close(code, data ?? (code === undefined ? undefined : VIOLATIONS.get(code)));
  }
}

/** The WebSocket front door: ws does the handshake and reading; sessions do the rest. */
export function createWsDoor(options: WsDoorOptions): WsDoor {
  const context: WsDoorContext = {
    ...options,
    recentSends: options.recentSends ?? new RecentSends(),
    closeGraceMs: options.shutdownGraceMs,
  };
  const wss = new WebSocketServer({
    WebSocket: ExplainingWebSocket,
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE_BYTES,
    // One more frame and ws closes with 1008: an unfinished message may not pile up fragments.
    maxFragments: MAX_CLIENT_MESSAGE_FRAGMENTS,
    // Compression would cost each connection a zlib context (tens of KB) and every broadcast
    // a deflate per recipient, undoing "frame once for everyone".
    perMessageDeflate: false,
    // We track our own sessions; ws's set would be a second copy.
    clientTracking: false,
  });
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
      wss.handleUpgrade(request, socket, head, (ws) => {
        const connection = new Connection(
          socket,
          'ws',
          options.connectionLimits,
          options.log,
          options.flusher,
        );
        admission?.connected(connection);
        const session = new WsSession(ws, connection, context, admission?.flood);
        sessions.set(connection, session);
        connection.onClose(forget);
      });
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
