import { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../protocols/ws/protocol.js';

export interface LinkHandlers {
  opened(): void;
  received(message: ServerMessage): void;
  /** Once, however the connection (or the attempt at one) ended, with why, for people. */
  closed(reason: string): void;
}

export interface Keepalive {
  /** How often to ping the server. */
  pingIntervalMs: number;
  /** How long a silence (not even a pong) means the connection is dead. */
  silenceTimeoutMs: number;
}

/**
 * One WebSocket to the server: JSON in and out, and a keepalive. A server that vanished
 * without closing (a network that changed, a machine that slept) says nothing at all, so
 * without pings the client would wait for it for ever.
 */
export class ServerLink {
  private readonly socket: WebSocket;
  private closeReason = 'connection closed';
  private lastHeard = Date.now();

  constructor(url: string, keepalive: Keepalive, handlers: LinkHandlers) {
    const socket = new WebSocket(url);
    this.socket = socket;
    const heard = () => {
      this.lastHeard = Date.now();
    };
    const timer = setInterval(() => {
      if (socket.readyState !== WebSocket.OPEN) return;
      if (Date.now() - this.lastHeard > keepalive.silenceTimeoutMs) {
        this.closeReason = 'no answer from the server';
        socket.terminate();
      } else socket.ping();
    }, keepalive.pingIntervalMs);
    timer.unref();
    socket.on('open', () => {
      heard();
      handlers.opened();
    });
    socket.on('pong', heard);
    socket.on('ping', heard);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      heard();
      if (isBinary) return;
      let message: ServerMessage;
      try {
        message = JSON.parse(data.toString('utf8')) as ServerMessage;
      } catch {
        return; // not a chatroom server's; nothing to show
      }
      handlers.received(message);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.closeReason = error.code === 'ECONNREFUSED' ? 'connection refused' : error.message;
      // Most likely the line door, which this client spoke before: its port is no longer it.
      if (error.code?.startsWith('HPE_')) {
        this.closeReason = `not an HTTP server (${error.message}); PORT is the server's --http-port`;
      }
    });
    socket.on('close', (code: number, reason: Buffer) => {
      clearInterval(timer);
      // The server's own codes (4000 and up) come with why: killed, banned, flooding...
      if (code >= 4000 && reason.length > 0) this.closeReason = reason.toString('utf8');
      handlers.closed(this.closeReason);
    });
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(message: ClientMessage): void {
    if (this.open) this.socket.send(JSON.stringify(message));
  }

  /** Ends the connection at once, without a close handshake. */
  terminate(): void {
    this.socket.terminate();
  }
}
