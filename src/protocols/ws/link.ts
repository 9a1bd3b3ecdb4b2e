import type { Connection } from '../../net/connection.js';
import {
  closeFrame,
  FrameDecoder,
  type FrameLimits,
  pingFrame,
  pongFrame,
  type WsInput,
} from './frames.js';

/** What a link tells the session it carries. */
export interface WsLinkOwner {
  heardMessage(data: Buffer, binary: boolean): void;
  heardPong(): void;
  /** The client broke the protocol; the link has already closed with the matching code. */
  protocolViolation(error: string): void;
}

const OPEN = 0;
/** Our close frame is sent; the client's is awaited (for at most the grace time). */
const CLOSING = 1;
const CLOSED = 2;

/**
 * One WebSocket connection's protocol state over a Connection: the frames read (frames.ts),
 * pings answered, and the closing handshake (RFC 6455 section 7) in both directions. Writes of
 * messages bypass it: a broadcast is framed once and the same bytes go to every recipient.
 */
export class WsLink {
  private state = OPEN;
  private readonly decoder: FrameDecoder;

  constructor(
    private readonly connection: Connection,
    limits: FrameLimits,
    /** How long, after our close frame, the client has to answer with its own. */
    private readonly closeGraceMs: number,
    private readonly owner: WsLinkOwner,
  ) {
    this.decoder = new FrameDecoder(limits);
  }

  get isOpen(): boolean {
    return this.state === OPEN;
  }

  received(chunk: Buffer): void {
    for (const input of this.decoder.push(chunk)) this.handle(input);
  }

  ping(): void {
    if (this.state === OPEN) this.connection.send(pingFrame());
  }

  /** Closes with a close frame, after whatever this turn has already queued for the client. */
  close(code: number, reason: string): void {
    if (this.state !== OPEN) return;
    this.state = CLOSING;
    this.connection.send(closeFrame(code, reason));
    this.connection.flush();
    const socket = this.connection.socket;
    setTimeout(() => socket.destroy(), this.closeGraceMs).unref();
  }

  private handle(input: WsInput): void {
    switch (input.kind) {
      case 'message':
        // Once our close frame is out, the client's last messages are not read (section 7.1.3).
        if (this.state === OPEN) this.owner.heardMessage(input.data, input.binary);
        return;
      case 'ping':
        if (this.state === OPEN) this.connection.send(pongFrame(input.data));
        return;
      case 'pong':
        this.owner.heardPong();
        return;
      case 'close':
        // The client's close: echoed with its code if it began, then the TCP side is ended.
        if (this.state === OPEN) this.connection.send(closeFrame(input.code, input.reason));
        this.state = CLOSED;
        this.connection.end('Connection closed');
        return;
      case 'violation':
        this.owner.protocolViolation(input.error);
        if (this.state === OPEN) this.connection.send(closeFrame(input.code, input.reason));
        this.state = CLOSED;
        this.connection.end(input.reason);
        return;
    }
  }
}
