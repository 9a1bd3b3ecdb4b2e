import { Chat } from './core/chat.js';
import type { Logger } from './log.js';
import { Connection } from './net/connection.js';
import { type Listening, listen } from './net/listener.js';
import { framedCodec } from './protocols/framed/codec.js';
import { lineCodec } from './protocols/line/codec.js';
import type { TextCodec } from './protocols/text/codec.js';
import { TextSession } from './protocols/text/session.js';

export interface ServerConfig {
  host: string;
  /** null disables the door; 0 lets the system pick a port. */
  linePort: number | null;
  framedPort: number | null;
  maxLineBytes: number;
  maxQueueBytes: number;
  nickTimeoutMs: number;
  /** How long shutdown waits for clients to take their last bytes. */
  shutdownGraceMs: number;
  log: Logger;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  linePort: 9009,
  framedPort: 1234,
  maxLineBytes: 8192,
  maxQueueBytes: 1024 * 1024,
  nickTimeoutMs: 30_000,
  shutdownGraceMs: 5_000,
} as const;

export interface RunningServer {
  readonly chat: Chat;
  readonly doors: readonly Listening[];
  /** The bound port of a door, for tests and for the startup message. */
  port(door: string): number;
  stop(): Promise<void>;
}

/** The composition root: builds the core, opens every enabled front door, and stops them all. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const { log } = config;
  const chat = new Chat({ maxMessageBytes: config.maxLineBytes });
  const connections = new Set<Connection>();

  const textDoor = (codec: TextCodec) => (socket: import('node:net').Socket) => {
    const connection = new Connection(
      socket,
      codec.protocol,
      { maxQueueBytes: config.maxQueueBytes, lingerMs: config.shutdownGraceMs },
      log,
    );
    connections.add(connection);
    connection.onClose(() => connections.delete(connection));
    new TextSession(
      chat,
      codec,
      connection,
      { maxLineBytes: config.maxLineBytes, nickTimeoutMs: config.nickTimeoutMs },
      log,
    );
  };

  const doors: Listening[] = [];
  try {
    for (const [port, codec] of [
      [config.linePort, lineCodec],
      [config.framedPort, framedCodec],
    ] as const) {
      if (port !== null)
        doors.push(await listen(codec.protocol, config.host, port, textDoor(codec)));
    }
  } catch (error) {
    await Promise.all(doors.map((door) => door.close()));
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    chat,
    doors,
    port(door) {
      const found = doors.find((listening) => listening.door === door);
      if (!found) throw new Error(`The ${door} door is not open`);
      return found.port;
    },
    stop() {
      stopping ??= (async () => {
        const closingDoors = doors.map((door) => door.close());
        chat.announce('The server is shutting down. Goodbye!');
        const closed = [...connections].map((connection) => {
          connection.end('Server shutting down');
          return connection.whenClosed();
        });
        await Promise.all([...closingDoors, ...closed]);
        log.info({ event: 'stopped' }, 'server stopped');
      })();
      return stopping;
    },
  };
}
