import { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../src/protocols/ws/protocol.js';
import { onCleanup } from './helpers.js';
import { Inbox } from './inbox.js';

type Shape = { [key: string]: unknown };

/** Whether `actual` has every field of `expected` (recursively; arrays must match in full). */
export function matchesShape(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => matchesShape(actual[i], item))
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return false;
    return Object.entries(expected).every(([key, value]) =>
      matchesShape((actual as Shape)[key], value),
    );
  }
  return Object.is(actual, expected);
}

type Matcher = Shape | ((message: ServerMessage) => boolean);

/** A WebSocket API client for tests: sends JSON, lets a test wait for what comes back. */
export class WsClient {
  /** Resolves with the close code and reason once the connection is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly inbox = new Inbox<ServerMessage>((messages) =>
    messages.map((message) => JSON.stringify(message)).join('\n'),
  );

  static async connect(
    port: number,
    options: { origin?: string; path?: string; host?: string } = {},
  ): Promise<WsClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/ws'}`, {
      perMessageDeflate: false,
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      // The name a browser would send for a page whose name resolves to us.
      ...(options.host === undefined ? {} : { headers: { host: options.host } }),
    });
    const client = new WsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return client;
  }

  /** Connects and says hello, waiting until the server has put us in #lobby. */
  static async join(port: number, nick: string): Promise<WsClient> {
    const client = await WsClient.connect(port);
    client.send({ type: 'hello', nick });
    await client.waitFor({ type: 'current-room', room: '#lobby' });
    return client;
  }

  constructor(readonly ws: WebSocket) {
    ws.on('error', () => {});
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) throw new Error('the server sent a binary message');
      this.inbox.push(JSON.parse(data.toString('utf8')) as ServerMessage);
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code: number, reason: Buffer) => {
        this.inbox.end();
        resolve({ code, reason: reason.toString() });
      }),
    );
    onCleanup(() => ws.terminate());
  }

  send(message: ClientMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Anything at all, for the bad-input tests. */
  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.ws.send(data, { binary: options.binary ?? false });
  }

  /** Everything received so far, consumed or not. */
  get received(): ServerMessage[] {
    return this.inbox.items;
  }

  /** Waits for the next message (after those already consumed) that matches. */
  waitFor(matcher: Matcher, timeoutMs = 5000): Promise<ServerMessage> {
    const test =
      typeof matcher === 'function'
        ? matcher
        : (message: ServerMessage) => matchesShape(message, matcher);
    return this.inbox.next(test, timeoutMs);
  }

  private barriers = 0;

  /**
   * Sends the messages, then a ping, and gives every message received (after those already
   * consumed) until its pong: the server handles a connection's input in order, so that is
   * all it answered to them, with whatever else arrived meanwhile. `time` fields are taken
   * off, for comparing whole messages.
   */
  async ask(...messages: ClientMessage[]): Promise<Shape[]> {
    const ref = `barrier-${++this.barriers}`;
    for (const message of messages) this.send(message);
    this.send({ type: 'ping', ref });
    const answered: Shape[] = [];
    await this.waitFor((message) => {
      if (message.type === 'pong' && message.ref === ref) return true;
      const { time: _time, ...rest } = message as Shape;
      answered.push(rest);
      return false;
    });
    return answered;
  }

  /** waitFor, narrowed to one message type. */
  async waitForType<T extends ServerMessage['type']>(
    type: T,
    shape: Shape = {},
    timeoutMs?: number,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const found = await this.waitFor({ ...shape, type }, timeoutMs);
    return found as Extract<ServerMessage, { type: T }>;
  }

  saw(matcher: Shape): boolean {
    return this.received.some((message) => matchesShape(message, matcher));
  }
}
