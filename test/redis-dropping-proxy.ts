import { connect, createServer, type Server, type Socket } from 'node:net';
import { onCleanup } from './helpers.js';

/** A command a Redis client sent: its bytes as they came, and its arguments if it is an array. */
export interface RespCommand {
  raw: Buffer;
  /** Undefined for an inline command (a bare line), which the proxy passes on untouched. */
  args: Buffer[] | undefined;
}

const CRLF = Buffer.from('\r\n');
const ASTERISK = 0x2a;
const DOLLAR = 0x24;

/**
 * Splits what a Redis client sends into whole commands, however the bytes are cut: RESP
 * arrays of bulk strings (what every client library sends) or inline lines. Only for tests:
 * it trusts its input and keeps no limit.
 */
export class RespCommandSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): RespCommand[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const commands: RespCommand[] = [];
    for (;;) {
      const command = readCommand(this.pending);
      if (command === undefined) break;
      commands.push(command);
      this.pending = this.pending.subarray(command.raw.length);
    }
    return commands;
  }
}

function readCommand(bytes: Buffer): RespCommand | undefined {
  const headerEnd = bytes.indexOf(CRLF);
  if (headerEnd < 0) return undefined;
  // An inline command: a bare line.
  if (bytes[0] !== ASTERISK) return { raw: bytes.subarray(0, headerEnd + 2), args: undefined };
  const count = Number(bytes.toString('latin1', 1, headerEnd));
  const args: Buffer[] = [];
  let at = headerEnd + 2;
  for (let i = 0; i < count; i++) {
    const lengthEnd = bytes.indexOf(CRLF, at);
    if (lengthEnd < 0) return undefined;
    if (bytes[at] !== DOLLAR) throw new Error(`not a bulk string at byte ${at}`);
    const start = lengthEnd + 2;
    const end = start + Number(bytes.toString('latin1', at + 1, lengthEnd));
    if (bytes.length < end + 2) return undefined;
    args.push(bytes.subarray(start, end));
    at = end + 2;
  }
  return { raw: bytes.subarray(0, at), args };
}

export function encodeCommand(args: readonly (Buffer | string)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg) : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/** Where dropped publications go: no node subscribes to it. */
export const NOBODY_LISTENS = 'chatroom-test:nobody-listens';

/**
 * A TCP proxy in front of Redis that loses some publications on purpose, as Redis itself may
 * (Pub/Sub is at most once). A `PUBLISH channel payload` for which `drop` says yes is sent on
 * as a publication to a channel nobody listens to: Redis still answers it, so the replies stay
 * in step with the commands. Everything else goes through byte for byte, both ways.
 */
export class RedisDroppingProxy {
  /** The publications dropped so far, in order. */
  readonly dropped: Array<{ channel: string; payload: string }> = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly drop: (channel: string, payload: string) => boolean,
  ) {}

  static async start(
    redisPort: number,
    drop: (channel: string, payload: string) => boolean,
  ): Promise<RedisDroppingProxy> {
    const server = createServer();
    const proxy = new RedisDroppingProxy(server, drop);
    server.on('connection', (client) => proxy.relay(client, redisPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => {
      for (const socket of proxy.sockets) socket.destroy();
      server.close();
    });
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  private relay(client: Socket, redisPort: number): void {
    const redis = connect({ host: '127.0.0.1', port: redisPort });
    for (const socket of [client, redis]) {
      this.sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        redis.destroy();
      });
    }
    const splitter = new RespCommandSplitter();
    client.on('data', (chunk: Buffer) => {
      for (const command of splitter.push(chunk)) redis.write(this.rewrite(command));
    });
    redis.on('data', (chunk: Buffer) => client.write(chunk));
  }

  private rewrite(command: RespCommand): Buffer {
    const args = command.args;
    if (args?.length !== 3 || args[0]!.toString('latin1').toUpperCase() !== 'PUBLISH') {
      return command.raw;
    }
    const channel = args[1]!.toString('utf8');
    const payload = args[2]!.toString('utf8');
    if (!this.drop(channel, payload)) return command.raw;
    this.dropped.push({ channel, payload });
    return encodeCommand([args[0]!, NOBODY_LISTENS, args[2]!]);
  }
}
