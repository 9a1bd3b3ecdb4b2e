/**
 * The load generator's side of each front door: how to connect, take a nickname and join
 * #lobby, send a chat message, and read what arrives. The scenarios (bench/generator.ts) only
 * see `Door`, so adding a door is adding one entry to DOORS (plus its port in the server
 * worker and a target in bench/targets.ts). A door on TCP lines needs only `tcpLineDoor`'s
 * four functions (see ircDoor below).
 *
 * Senders are named `s` + digits (their index), everyone else `r` + digits; the text of every
 * chat message starts with fields the scenarios read (bench/generator.ts).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { clock } from './clock.js';

/** What a client does with what it receives. */
export interface Sink {
  /** The server confirmed that this client is in #lobby (and its nickname was taken). */
  joined(): void;
  /** A chat message from sender number `sender`, its text in buf[start, end); `at`: clock(). */
  chat(sender: number, buf: Buffer, start: number, end: number, at: number): void;
  /** Any other line (a notice, the join reply, an error) arrived at `at`. */
  notice(at: number): void;
  /** An error line from the server. */
  error(text: string): void;
  /** The connection is gone. */
  closed(): void;
}

export interface DoorClient {
  /** Asks for the nickname `nick` and a place in #lobby; the sink hears `joined` when done. */
  register(nick: string): void;
  /** Sends chat messages to #lobby, in order, with as few writes as the door allows. */
  send(texts: readonly string[]): void;
  /** Bytes written but not yet taken by the kernel: a flooder writes only while this is low. */
  unsent(): number;
  close(): void;
}

export interface Door {
  readonly name: string;
  /** `from`: the local address to connect from (any of 127.0.0.0/8 is this machine). */
  connect(port: number, sink: Sink, from?: string): Promise<DoorClient>;
}

const LF = 0x0a;
const CR = 0x0d;
const LT = 0x3c; // '<'
const GT = 0x3e; // '>'
const S = 0x73; // 's'

/** Every line client's reads land here in turn (each read is handled before the next). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/**
 * `<sNNNNN> text` (the line door's and the baselines' form of a chat message) → sink.chat.
 * Returns false for any other line.
 */
export function angleChat(buf: Buffer, start: number, end: number, sink: Sink, at: number) {
  if (buf[start] !== LT || buf[start + 1] !== S) return false;
  let i = start + 2;
  let sender = 0;
  for (; i < end && buf[i] !== GT; i++) sender = sender * 10 + buf[i]! - 48;
  sink.chat(sender, buf, i + 2, end, at);
  return true;
}

/**
 * A connected socket whose reads go straight into one buffer shared by every socket of this
 * process, without the stream machinery: the generator's cost per read is what limits it.
 * `receive` gets a view of READ_BUFFER, which the next read reuses.
 */
async function connectReading(
  port: number,
  receive: (chunk: Buffer) => void,
  from: string | undefined,
): Promise<Socket> {
  const socket = connect({
    host: '127.0.0.1',
    port,
    ...(from ? { localAddress: from } : {}),
    onread: {
      buffer: READ_BUFFER,
      callback: (length: number, chunk: Uint8Array) => {
        receive((chunk as Buffer).subarray(0, length));
        return true;
      },
    },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  return socket;
}

export interface LineDoorSpec {
  /** Bytes that take the nickname and join #lobby. */
  register(nick: string): string;
  /** Bytes that send one chat message to #lobby. */
  message(text: string): string;
  /** Whether this (non-chat) line says the join is complete. */
  joined(line: string): boolean;
  /** Hands a chat line to sink.chat and returns true; false for any other line. */
  chat(buf: Buffer, start: number, end: number, sink: Sink, at: number): boolean;
  /** Whether this (non-chat) line is an error; by default, lines starting with `!!!`. */
  error?(line: string): boolean;
  /**
   * Bytes to send back for a (non-chat) line, if any: an IRC server pings its clients and
   * drops the ones that never answer.
   */
  answer?(buf: Buffer, start: number, end: number): string | undefined;
}

/** A door that speaks lines over plain TCP. */
export function tcpLineDoor(name: string, spec: LineDoorSpec): Door {
  const isError = spec.error ?? ((line: string) => line.startsWith('!!!'));
  return {
    name,
    async connect(port, sink, from) {
      let joined = false;
      let rest: Buffer | undefined;
      const line = (buf: Buffer, start: number, nl: number, at: number) => {
        const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
        if (spec.chat(buf, start, end, sink, at)) return;
        sink.notice(at);
        const answer = spec.answer?.(buf, start, end);
        if (answer) socket.write(answer);
        // Notices are many (every join is announced to everyone) and, once joined, of no
        // interest: only look at them closely when they could matter.
        if (buf[start] === 0x21 /* ! */ || !joined) {
          const text = buf.toString('utf8', start, end);
          if (isError(text)) sink.error(text);
          else if (!joined && spec.joined(text)) {
            joined = true;
            sink.joined();
          }
        }
      };
      // `chunk` is a view of READ_BUFFER, which the next read reuses.
      const receive = (chunk: Buffer) => {
        const at = clock();
        let start = 0;
        if (rest) {
          // Finish the line left over from the last read.
          const nl = chunk.indexOf(LF);
          if (nl < 0) {
            rest = Buffer.concat([rest, chunk]);
            return;
          }
          const first = Buffer.concat([rest, chunk.subarray(0, nl + 1)]);
          rest = undefined;
          line(first, 0, first.length - 1, at);
          start = nl + 1;
        }
        for (let nl = chunk.indexOf(LF, start); nl >= 0; nl = chunk.indexOf(LF, start)) {
          line(chunk, start, nl, at);
          start = nl + 1;
        }
        if (start < chunk.length) rest = Buffer.from(chunk.subarray(start));
      };
      const socket = await connectReading(port, receive, from);
      socket.on('error', () => {});
      socket.on('close', () => sink.closed());
      return {
        register: (nick) => {
          socket.write(spec.register(nick));
        },
        send: (texts) => {
          let out = '';
          for (const text of texts) out += spec.message(text);
          socket.write(out);
        },
        unsent: () => socket.writableLength,
        close: () => {
          socket.destroy();
        },
      };
    },
  };
}

const NOW_TALKING = '*** Now talking in #lobby';

/** The chatroom line door (docs/protocols/line.md), and the line baseline. */
export const lineDoor = tcpLineDoor('line', {
  register: (nick) => `${nick}\n`,
  message: (text) => `${text}\n`,
  joined: (line) => line === NOW_TALKING,
  chat: angleChat,
});

export interface WsDoorSpec {
  /** The path the WebSocket lives at. */
  path: string;
  /** The text message that takes the nickname and joins #lobby. */
  register(nick: string): string;
  /** The text message that sends one chat message to #lobby. */
  message(text: string): string;
  /** Whether this (non-chat) text message says the join is complete. */
  joined(text: string): boolean;
  /** Hands a chat message to sink.chat and returns true; false for any other message. */
  chat(buf: Buffer, start: number, end: number, sink: Sink, at: number): boolean;
  /** Whether this (non-chat) text message is an error. */
  error(text: string): boolean;
}

const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const HEADERS_END = Buffer.from('\r\n\r\n');

/**
 * A client frame (RFC 6455 section 5.2): FIN, the opcode, and the payload masked, as clients
 * must. A fresh masking key per frame would cost the generator more than it measures; one
 * per connection is what a server can see, and it never looks.
 */
function clientFrame(opcode: number, payload: Buffer, mask: Buffer): Buffer {
  const size = payload.length;
  const header = size < 126 ? 2 : size < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + size);
  frame[0] = 0x80 | opcode;
  if (size < 126) frame[1] = 0x80 | size;
  else if (size < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(size, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(size), 2);
  }
  mask.copy(frame, header);
  for (let i = 0; i < size; i++) frame[header + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

/**
 * A WebSocket client on a raw socket: the opening handshake, then server frames parsed where
 * they lie in the read buffer, many to a read. The \`ws\` library's client hands each message
 * over through its stream and event machinery, which made the load generator, not the
 * servers, the limit at about 0.4 M deliveries/s.
 */
export function tcpWsDoor(name: string, spec: WsDoorSpec): Door {
  return {
    name,
    async connect(port, sink, from) {
      let upgraded = false;
      let joined = false;
      let rest: Buffer | undefined;
      const mask = randomBytes(4);
      const text = (buf: Buffer, start: number, end: number, at: number) => {
        if (spec.chat(buf, start, end, sink, at)) return;
        sink.notice(at);
        const message = buf.toString('utf8', start, end);
        if (spec.error(message)) sink.error(message);
        else if (!joined && spec.joined(message)) {
          joined = true;
          sink.joined();
        }
      };
      /** Handles the whole frames in buf from `start`; returns where the first partial one begins. */
      const frames = (buf: Buffer, start: number, at: number): number => {
        while (buf.length - start >= 2) {
          const opcode = buf[start]! & 0x0f;
          let size = buf[start + 1]! & 0x7f;
          let header = 2;
          if (size === 126) {
            if (buf.length - start < 4) break;
            size = buf.readUInt16BE(start + 2);
            header = 4;
          } else if (size === 127) {
            if (buf.length - start < 10) break;
            size = Number(buf.readBigUInt64BE(start + 2));
            header = 10;
          }
          if (buf.length - start < header + size) break;
          const payload = start + header;
          if ((buf[start]! & 0x80) === 0) {
            sink.error(`${name}: a fragmented message, which this client does not read`);
          } else if (opcode === OPCODE_TEXT) text(buf, payload, payload + size, at);
          else if (opcode === OPCODE_PING) {
            socket.write(clientFrame(0xa, buf.subarray(payload, payload + size), mask));
          } else if (opcode === OPCODE_CLOSE) socket.destroy();
          start = payload + size;
        }
        return start;
      };
      let opened: () => void;
      let refused: (error: Error) => void;
      const open = new Promise<void>((resolve, reject) => {
        opened = resolve;
        refused = reject;
      });
      // `chunk` is a view of READ_BUFFER, which the next read reuses.
      const receive = (chunk: Buffer) => {
        const at = clock();
        let buf = rest ? Buffer.concat([rest, chunk]) : chunk;
        rest = undefined;
        let start = 0;
        if (!upgraded) {
          const end = buf.indexOf(HEADERS_END);
          if (end < 0) {
            rest = Buffer.from(buf);
            return;
          }
          if (!buf.toString('latin1', 0, 12).startsWith('HTTP/1.1 101')) {
            refused(new Error(`${name}: ${buf.toString('latin1', 0, buf.indexOf(0x0d))}`));
            socket.destroy();
            return;
          }
          upgraded = true;
          opened();
          start = end + HEADERS_END.length;
        }
        start = frames(buf, start, at);
        if (start < buf.length) {
          buf = buf.subarray(start);
          rest = buf.buffer === READ_BUFFER.buffer ? Buffer.from(buf) : buf;
        }
      };
      const socket = await connectReading(port, receive, from);
      socket.once('error', (error) => refused(error));
      socket.on('close', () => sink.closed());
      socket.write(
        `GET ${spec.path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          'Sec-WebSocket-Version: 13\r\n\r\n',
      );
      await open;
      const sendText = (message: string) =>
        clientFrame(OPCODE_TEXT, Buffer.from(message, 'utf8'), mask);
      return {
        register: (nick) => {
          socket.write(sendText(spec.register(nick)));
        },
        send: (texts) => {
          socket.write(Buffer.concat(texts.map((t) => sendText(spec.message(t)))));
        },
        unsent: () => socket.writableLength,
        close: () => {
          socket.destroy();
        },
      };
    },
  };
}

/** WebSocket text messages with the line door's conversation: the ws baseline's door. */
export const wsDoor = tcpWsDoor('ws', {
  path: '/',
  register: (nick) => nick,
  message: (text) => text,
  joined: (text) => text === NOW_TALKING,
  chat: angleChat,
  error: (text) => text.startsWith('!!!'),
});

const FROM_SENDER = Buffer.from('"from":"s');
const TEXT_FIELD = Buffer.from('","text":"');
const TEXT_END = Buffer.from('","action":');
const MESSAGE_TYPE = Buffer.from('{"type":"message"');

/**
 * chatroom's own WebSocket API (docs/websocket.md): JSON messages at /ws. A chat message is
 * `{"type":"message","id":N,"room":"#lobby","from":"sNNNNN","text":"...","action":false,...}`;
 * its sender and text are found by scanning the bytes, not by JSON.parse, so the load
 * generator spends as little as it can per delivery (the benchmark texts have no characters
 * JSON escapes).
 */
export function jsonChat(buf: Buffer, start: number, end: number, sink: Sink, at: number) {
  if (buf.compare(MESSAGE_TYPE, 0, MESSAGE_TYPE.length, start, start + MESSAGE_TYPE.length)) {
    return false;
  }
  const from = buf.indexOf(FROM_SENDER, start);
  if (from === -1 || from >= end) return false;
  let i = from + FROM_SENDER.length;
  let sender = 0;
  for (; i < end && buf[i] !== 0x22; i++) sender = sender * 10 + buf[i]! - 48;
  const text = buf.indexOf(TEXT_FIELD, i);
  const textEnd = buf.indexOf(TEXT_END, text);
  if (text === -1 || textEnd === -1 || textEnd > end) return false;
  sink.chat(sender, buf, text + TEXT_FIELD.length, textEnd, at);
  return true;
}

export const jsonWsDoor = tcpWsDoor('json-ws', {
  path: '/ws',
  register: (nick) => JSON.stringify({ type: 'hello', nick }),
  message: (text) => JSON.stringify({ type: 'send', to: '#lobby', text }),
  joined: (text) => text === '{"type":"current-room","room":"#lobby"}',
  chat: jsonChat,
  error: (text) => text.startsWith('{"type":"error"'),
});

const COLON = 0x3a;
const BANG = 0x21;
const SPACE = 0x20;
export const PING = Buffer.from('PING ');

/** `:sNNNNN!sNNNNN@host PRIVMSG #room :text` → sink.chat; false for any other line. */
export function ircRoomPrivmsg(room: string) {
  const marker = Buffer.from(` PRIVMSG ${room} :`);
  // From each sender's '!' to its text: the same on every line it sends (its mask does not
  // change), so after the first line the marker is checked where it should be and the mask
  // is not scanned. A line where it is not is scanned in full.
  const textAfterBang: number[] = [];
  const hasMarker = (buf: Buffer, at: number) => {
    for (let k = 0; k < marker.length; k++) if (buf[at + k] !== marker[k]) return false;
    return true;
  };
  return (buf: Buffer, start: number, end: number, sink: Sink, at: number) => {
    if (buf[start] !== COLON || buf[start + 1] !== S) return false;
    let i = start + 2;
    let sender = 0;
    for (; i < end && buf[i] !== BANG; i++) sender = sender * 10 + buf[i]! - 48;
    const known = textAfterBang[sender];
    if (known !== undefined) {
      const text = i + known;
      if (text <= end && hasMarker(buf, text - marker.length)) {
        sink.chat(sender, buf, text, end, at);
        return true;
      }
    }
    const bang = i;
    // Byte loops, not buf.indexOf and buf.compare: at millions of lines a second, their
    // argument checks cost the generator more than the scan itself.
    while (i < end && buf[i] !== SPACE) i++;
    const text = i + marker.length;
    if (text > end || !hasMarker(buf, i)) return false;
    textAfterBang[sender] = text - bang;
    sink.chat(sender, buf, text, end, at);
    return true;
  };
}

export const ircPrivmsg = ircRoomPrivmsg('#lobby');

/** chatroom's IRC door (docs/irc.md): plain IRC, no capabilities, as simple bots use it. */
export const ircDoor = tcpLineDoor('irc', {
  register: (nick) => `NICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\nJOIN #lobby\r\n`,
  message: (text) => `PRIVMSG #lobby :${text}\r\n`,
  // The end of the names of #lobby: the join is complete.
  joined: (line) => / 366 \S+ #lobby /.test(line),
  chat: ircPrivmsg,
  error: (line) =>
    /^:\S+ [45]\d\d /.test(line) || line.startsWith('ERROR') || line.includes(' FAIL '),
  answer: (buf, start, end) =>
    buf.compare(PING, 0, PING.length, start, Math.min(start + PING.length, end)) === 0
      ? `PONG ${buf.toString('utf8', start + PING.length, end)}\r\n`
      : undefined,
});

export const DOORS: Record<string, Door> = {
  line: lineDoor,
  ws: wsDoor,
  'json-ws': jsonWsDoor,
  irc: ircDoor,
};
