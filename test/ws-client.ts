import { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../src/protocols/ws/protocol.js';
import { onCleanup } from './helpers.js';

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
  readonly received: ServerMessage[] = [];
  /** Resolves with the close code and reason once the connection is closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private read = 0;
  private waiters: Array<() => void> = [];
  private isClosed = false;

  static async connect(
    port: number,
    options: { origin?: string; path?: string } = {},
  ): Promise<WsClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/ws'}`, {
      perMessageDeflate: false,
      ...(options.origin === undefined ? {} : { origin: options.origin }),
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
      this.received.push(JSON.parse(data.toString('utf8')) as ServerMessage);
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      ws.once('close', (code: number, reason: Buffer) => {
        this.isClosed = true;
        this.wake();
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

  /** Waits for the next message (after those already consumed) that matches. */
  async waitFor(matcher: Matcher, timeoutMs = 5000): Promise<ServerMessage> {
    const test =
      typeof matcher === 'function'
        ? matcher
        : (message: ServerMessage) => matchesShape(message, matcher);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.received.length) {
        const message = this.received[this.read++]!;
        if (test(message)) return message;
      }
      if (this.isClosed) throw new Error(`closed while waiting; received:\n${this.describe()}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting; received:\n${this.describe()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
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

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private describe(): string {
    return this.received.map((message) => JSON.stringify(message)).join('\n');
  }
}
