import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import { createLogger, type Logger } from '../src/log.js';
import { hostCloak } from '../src/net/cloak.js';
import { encodeFrame, FrameDecoder } from '../src/net/frame-decoder.js';
import { LineSplitter } from '../src/net/line-splitter.js';
import { DEFAULTS, type RunningServer, type ServerConfig, startServer } from '../src/server.js';
import { Inbox } from './inbox.js';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

/** The test servers' cloak key, unless a test gives its own. */
export const TEST_CLOAK_SECRET = 'test cloak secret';

/** The host every test client (connecting from 127.0.0.1) is shown with. */
export const LOCAL_CLOAK = hostCloak(TEST_CLOAK_SECRET)('127.0.0.1');

/** A test user's IRC mask: an IRC user's user name is their own, other doors' "~<door>". */
export function mask(nick: string, username = `~${nick}`): string {
  return `${nick}!${username}@${LOCAL_CLOAK}`;
}

/** Text that matches itself in a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A real server on ports the system picks, with its history in a fresh SQLite file unless
 * the test says otherwise, stopped after the test.
 */
export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
): Promise<RunningServer> {
  const server = await startServer({
    ...DEFAULTS,
    linePort: 0,
    framedPort: 0,
    httpPort: 0,
    ircPort: 0,
    serverName: 'irc.test',
    cloakSecret: TEST_CLOAK_SECRET,
    log: createLogger('silent'),
    ...overrides,
    store: overrides.store ?? { kind: 'sqlite', dataDir: tempDir(), synchronous: 'normal' },
  });
  onCleanup(() => server.stop());
  return server;
}

/** `chatroom serve` flags for a server with only its line door, on a port the system picks. */
export const LINE_DOOR_ONLY = [
  '--line-port',
  '0',
  '--framed-port',
  'off',
  '--http-port',
  'off',
  '--irc-port',
  'off',
] as const;

/** A directory of its own, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatroom-test-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A logger whose JSON lines a test can read back. */
export function capturingLogger(): { log: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) records.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), records };
}

type Matcher = string | RegExp | ((line: string) => boolean);

function matches(line: string, matcher: Matcher): boolean {
  if (typeof matcher === 'string') return line === matcher;
  if (matcher instanceof RegExp) return matcher.test(line);
  return matcher(line);
}

/** Something that receives items over a socket and lets a test wait for one. */
abstract class TestPeer<Item> {
  readonly closed: Promise<void>;
  private readonly inbox = new Inbox<Item>(() => this.describe());

  constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    socket.on('close', () => this.inbox.end());
    onCleanup(() => {
      socket.destroy();
    });
  }

  /** Everything received so far, consumed or not. */
  get received(): Item[] {
    return this.inbox.items;
  }

  protected push(item: Item): void {
    this.inbox.push(item);
  }

  /** Waits for the next item (after those already consumed) that matches, and returns it. */
  next(test: (item: Item) => boolean, timeoutMs = 5000): Promise<Item> {
    return this.inbox.next(test, timeoutMs);
  }

  /** Whether anything received (consumed or not) matches. */
  saw(test: (item: Item) => boolean): boolean {
    return this.received.some(test);
  }

  protected abstract describe(): string;
}

export class LineClient extends TestPeer<string> {
  static async connect(port: number): Promise<LineClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new LineClient(socket);
  }

  /** Connects and chooses a nickname, waiting until the server has put us in #lobby. */
  static async join(port: number, nick: string): Promise<LineClient> {
    const client = await LineClient.connect(port);
    client.send(nick);
    await client.waitFor('*** Now talking in #lobby');
    return client;
  }

  constructor(socket: Socket) {
    super(socket);
    const splitter = new LineSplitter({ maxLineBytes: 1 << 20, maxUnterminatedBytes: 1 << 20 });
    socket.on('data', (chunk: Buffer) => {
      for (const item of splitter.push(chunk)) {
        if (item.kind === 'line') this.push(item.bytes.toString('utf8'));
      }
    });
  }

  send(line: string): void {
    this.socket.write(`${line}\n`);
  }

  write(bytes: Buffer | string): void {
    this.socket.write(bytes);
  }

  waitFor(matcher: Matcher, timeoutMs?: number): Promise<string> {
    return this.next((line) => matches(line, matcher), timeoutMs);
  }

  sawLine(matcher: Matcher): boolean {
    return this.saw((line) => matches(line, matcher));
  }

  private lineBarriers = 0;

  /**
   * Sends the lines, then a command that does not exist, and gives every line received
   * (after those already consumed) until the error it gets: the server handles a
   * connection's input in order, so that is all it answered to them, with whatever else
   * arrived meanwhile.
   */
  async ask(...lines: string[]): Promise<string[]> {
    const barrier = `/barrier-${++this.lineBarriers}`;
    for (const line of lines) this.send(line);
    this.send(barrier);
    const end = `!!! Unknown command ${barrier}. Type /help for the list. (UNKNOWN_COMMAND)`;
    const answered: string[] = [];
    await this.next((line) => {
      if (line === end) return true;
      answered.push(line);
      return false;
    });
    return answered;
  }

  protected describe(): string {
    return this.received.join('\n');
  }
}

export interface Pair {
  name: string;
  text: string;
}

/** Speaks the tutorials' framing; what the server sends arrives as (name, text) pairs. */
export class FramedClient extends TestPeer<Pair> {
  static async connect(port: number): Promise<FramedClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new FramedClient(socket);
  }

  private name: string | undefined;

  constructor(socket: Socket) {
    super(socket);
    const decoder = new FrameDecoder(1 << 20);
    socket.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) {
        if (item.kind !== 'frame') throw new Error(item.message);
        const text = item.bytes.toString('utf8');
        if (this.name === undefined) this.name = text;
        else {
          this.push({ name: this.name, text });
          this.name = undefined;
        }
      }
    });
  }

  send(text: string): void {
    this.socket.write(encodeFrame(Buffer.from(text, 'utf8')));
  }

  waitFor(name: string, text: Matcher, timeoutMs?: number): Promise<Pair> {
    return this.next((pair) => pair.name === name && matches(pair.text, text), timeoutMs);
  }

  protected describe(): string {
    return this.received.map((pair) => `${pair.name} > ${pair.text}`).join('\n');
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A raw IRC connection: lines in and out exactly as on the wire (without CR LF). */
export class IrcClient extends LineClient {
  static override async connect(port: number): Promise<IrcClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new IrcClient(socket);
  }

  /**
   * Connects and registers (asking for `caps` first, if any), waiting for the end of the
   * welcome burst (376 or 422).
   */
  static async register(
    port: number,
    nick: string,
    caps: readonly string[] = [],
  ): Promise<IrcClient> {
    const client = await IrcClient.connect(port);
    if (caps.length > 0) {
      client.send('CAP LS 302');
      client.send(`CAP REQ :${caps.join(' ')}`);
      await client.waitFor(/ CAP \S+ ACK /);
      client.send('CAP END');
    }
    client.send(`NICK ${nick}`);
    client.send(`USER ${nick} 0 * :${nick} the tester`);
    await client.waitFor(/^(@\S+ )?:\S+ (376|422) /);
    return client;
  }

  override send(line: string): void {
    this.socket.write(`${line}\r\n`);
  }

  /** Joins a channel and waits for the end of its names. */
  async join(channel: string): Promise<void> {
    this.send(`JOIN ${channel}`);
    await this.waitFor((line) => line.includes(` 366 `) && line.includes(` ${channel} `));
  }

  private barriers = 0;

  /**
   * Sends the lines, then a PING, and gives every line received (after those already
   * consumed) until its PONG: the server handles a connection's input in order, so that is
   * all it answered to them, with whatever else arrived meanwhile. Tags are taken off.
   */
  override async ask(...lines: string[]): Promise<string[]> {
    const token = `barrier-${++this.barriers}`;
    for (const line of lines) this.send(line);
    this.send(`PING ${token}`);
    const answered: string[] = [];
    await this.next((line) => {
      const bare = line.replace(/^@\S+ /, '');
      if (/^:\S+ PONG \S+ :?/.test(bare) && bare.endsWith(token)) return true;
      answered.push(bare);
      return false;
    });
    return answered;
  }

  /** Lines received so far, with any tags taken off. */
  untagged(): string[] {
    return this.received.map((line) => line.replace(/^@\S+ /, ''));
  }
}
