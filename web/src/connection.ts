import {
  CLOSE_CODES,
  type ClientMessage,
  type ResumePoint,
  type ServerMessage,
  WS_PATH,
} from '../../src/protocols/ws/protocol.js';

export type Status = 'connecting' | 'online' | 'offline';

export interface ConnectionHost {
  message(message: ServerMessage): void;
  /** `retryAt` (ms since the epoch, our clock): when the next attempt to reconnect is due. */
  status(status: Status, detail: string, retryAt?: number): void;
  /**
   * Rooms to resume, with the last message id seen in each: after a reconnect, or on the
   * first connection, those the page was in before a reload.
   */
  resumePoints(reconnecting: boolean): ResumePoint[];
  /**
   * The connection dropped and a reconnect is on its way (each failed attempt says so again).
   * `lastHeard` (ms since the epoch, our clock): when the server last said anything.
   */
  lost(lastHeard: number): void;
  /** The server refused our nickname at the first try: the user must pick another. */
  refused(message: string): void;
}

type Send = Extract<ClientMessage, { type: 'send' }>;

/** Sends waiting for their ack, most kept: past it, new sends are refused locally. */
const MAX_UNACKED = 100;
const PING_EVERY_MS = 20_000;
/** Nothing heard for this long (not even a pong): the connection is dead, open another. */
const SILENCE_MS = 45_000;
const MAX_BACKOFF_MS = 10_000;

/**
 * The WebSocket to the server, kept open: on a drop it reconnects by itself with growing
 * pauses, says hello with the rooms to resume (so what was missed comes exactly once), and
 * sends again whatever was not acknowledged, with the same refs, which the server stores
 * once however often they arrive.
 */
export class ChatConnection {
  private ws: WebSocket | undefined;
  private readonly unacked = new Map<string, Send>();
  private attempts = 0;
  private welcomed = false;
  /** Whether we have been welcomed before: reconnects retry a taken nickname (our old self). */
  private everWelcomed = false;
  private stopped = false;
  private pinger: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private nick: string,
    private readonly host: ConnectionHost,
    /** A reload keeps the nickname: a taken one then is most likely our own old page. */
    private readonly patientWithNick = false,
  ) {}

  get online(): boolean {
    return this.welcomed;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pinger);
    this.ws?.close(CLOSE_CODES.NORMAL);
  }

  /** A chat message: sent now if we can, or after the next reconnect; acked by ref. */
  sendChat(to: string, text: string, action: boolean): string | undefined {
    if (this.unacked.size >= MAX_UNACKED) return undefined;
    const ref = newRef();
    const message: Send = { type: 'send', to, text, action, ref };
    this.unacked.set(ref, message);
    if (this.welcomed) this.transmit(message);
    return ref;
  }

  /** Leaves for good: no reconnecting after the server closes. */
  quit(reason: string): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    if (this.welcomed) this.transmit({ type: 'quit', ...(reason ? { reason } : {}) });
    else this.ws?.close(CLOSE_CODES.NORMAL);
  }

  /** Anything else: only while online (it would make no sense to replay a /who later). */
  request(message: ClientMessage): boolean {
    if (!this.welcomed) return false;
    this.transmit(message);
    return true;
  }

  private open(): void {
    this.host.status('connecting', this.attempts === 0 ? 'Connecting…' : 'Reconnecting…');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${scheme}//${location.host}${WS_PATH}`);
    this.ws = ws;
    ws.onopen = () => {
      this.lastHeard = Date.now();
      const resume = this.host.resumePoints(this.everWelcomed);
      this.transmit({ type: 'hello', nick: this.nick, ...(resume.length ? { resume } : {}) });
      clearInterval(this.pinger);
      this.pinger = setInterval(() => this.keepAlive(), PING_EVERY_MS);
    };
    ws.onmessage = (event: MessageEvent<string>) => {
      this.lastHeard = Date.now();
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return;
      }
      this.receive(message);
    };
    ws.onclose = (event: CloseEvent) => {
      if (this.ws !== ws) return;
      clearInterval(this.pinger);
      this.welcomed = false;
      if (this.stopped) {
        this.host.status('offline', event.code === CLOSE_CODES.NORMAL ? 'You left the chat.' : '');
        return;
      }
      this.host.lost(this.lastHeard);
      this.attempts++;
      const wait = Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(this.attempts - 1, 5));
      const jittered = wait / 2 + Math.random() * (wait / 2);
      this.host.status('offline', 'Connection lost.', Date.now() + jittered);
      this.retryTimer = setTimeout(() => this.open(), jittered);
    };
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        this.welcomed = true;
        this.everWelcomed = true;
        this.attempts = 0;
        this.nick = message.nick;
        this.host.status('online', '');
        this.host.message(message);
        // What never got its ack goes again, same refs: stored once whatever happened.
        for (const send of this.unacked.values()) this.transmit(send);
        return;
      case 'nick':
        if (message.oldNick === this.nick) this.nick = message.newNick;
        break;
      case 'ack':
        if (message.ref !== null) this.unacked.delete(message.ref);
        break;
      case 'error':
        if (message.ref !== null) this.unacked.delete(message.ref);
        if (!this.welcomed && message.code === 'NICK_UNAVAILABLE') {
          // The server cannot check nicknames for now (its cluster lost Redis): say so, and
          // try again as after a lost connection, with the same backoff.
          this.host.message(message);
          this.ws?.close();
          return;
        }
        if (!this.welcomed && (message.code === 'NICK_TAKEN' || message.code === 'NICK_INVALID')) {
          if ((this.everWelcomed || this.patientWithNick) && message.code === 'NICK_TAKEN') {
            // Most likely our own previous connection, which the server has not seen go yet.
            this.ws?.close(CLOSE_CODES.NORMAL);
            return;
          }
          this.stopped = true;
          this.ws?.close(CLOSE_CODES.NORMAL);
          this.host.refused(message.message);
          return;
        }
        break;
    }
    this.host.message(message);
  }

  private keepAlive(): void {
    if (Date.now() - this.lastHeard > SILENCE_MS) {
      this.ws?.close();
      return;
    }
    this.transmit({ type: 'ping' });
  }

  private transmit(message: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }
}

/** A random ref; crypto.randomUUID exists only on https or localhost, this works on any page. */
function newRef(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
