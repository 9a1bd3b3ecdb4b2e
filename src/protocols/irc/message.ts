/**
 * IRC messages as values, and the grammar between them and text lines (modern.ircdocs.horse,
 * "Message format", plus IRCv3 message tags). Pure: no sockets, no bytes but for counting.
 *
 *   [@tag=value;tag2 SPACE] [:source SPACE] COMMAND [param ...] [SPACE :trailing param]
 */
import { forIrc, hasControls } from '../formatting.js';

export interface IrcMessage {
  /** Tag values unescaped; a tag without a value has ''. */
  readonly tags?: ReadonlyMap<string, string> | undefined;
  readonly source?: string | undefined;
  /** Upper-cased letters, or three digits. */
  readonly command: string;
  readonly params: readonly string[];
  /**
   * Write the last parameter as a trailing one (with ':') even when it does not need it:
   * free text reads the same everywhere that way, and naive clients expect it.
   */
  readonly trailing?: boolean;
  /**
   * The last parameter is a CTCP message (\x01ACTION ...\x01) that the server built: its two
   * delimiters are kept, where a \x01 anywhere else is shown as ^A like any control.
   */
  readonly ctcp?: boolean;
}

/**
 * The tag section may take this many bytes, '@' and the space after it included: a client's
 * tags (at most 4094 bytes, see the decoder) and what the server adds to them.
 */
export const MAX_TAG_SECTION_BYTES = 8191;
/** Everything after the tags, CR LF included. */
export const MAX_BODY_BYTES = 512;

/** Why a message cannot be written; the serializer never emits a line it would break. */
export class IrcEncodeError extends Error {
  constructor(
    readonly code: 'FORBIDDEN_CHARACTER' | 'INVALID_PARAM' | 'INVALID_NAME' | 'TOO_LONG',
    message: string,
  ) {
    super(message);
    this.name = 'IrcEncodeError';
  }
}

const COMMAND_PATTERN = /^(?:[A-Za-z]+|\d{3})$/;
const TAG_KEY_PATTERN = /^\+?(?:[A-Za-z0-9.-]+\/)?[A-Za-z0-9-]+$/;
const FORBIDDEN = /[\0\r\n]/;

export type ParseResult =
  | { ok: true; message: IrcMessage }
  | { ok: false; reason: 'empty' | 'no-command' | 'bad-command' | 'nul'; command?: string };

/**
 * Parses one line (without its CR LF). Lenient where the spec allows (runs of spaces, tags
 * it does not know), strict where a mistake could be abused (NUL, a missing command).
 */
export function parseMessage(line: string): ParseResult {
  if (line.includes('\0')) return { ok: false, reason: 'nul', command: commandWord(line) };
  // Walked by index, slicing out only what is kept: every chat message comes through here.
  const end = line.length;
  let at = 0;
  let tags: Map<string, string> | undefined;
  if (line.charCodeAt(0) === AT_SIGN) {
    const space = line.indexOf(' ');
    if (space === -1) return { ok: false, reason: 'no-command' };
    tags = parseTags(line.slice(1, space));
    at = space + 1;
  }
  at = afterSpaces(line, at);
  let source: string | undefined;
  if (line.charCodeAt(at) === COLON) {
    const space = line.indexOf(' ', at);
    if (space === -1) return { ok: false, reason: 'no-command' };
    source = line.slice(at + 1, space);
    at = afterSpaces(line, space + 1);
  }
  if (at >= end) return { ok: false, reason: line.trim() === '' ? 'empty' : 'no-command' };
  const space = line.indexOf(' ', at);
  const command = space === -1 ? line.slice(at) : line.slice(at, space);
  if (!COMMAND_PATTERN.test(command)) return { ok: false, reason: 'bad-command', command };
  const params: string[] = [];
  at = space === -1 ? end : space + 1;
  for (;;) {
    at = afterSpaces(line, at);
    if (at >= end) break;
    if (line.charCodeAt(at) === COLON) {
      params.push(line.slice(at + 1));
      break;
    }
    const next = line.indexOf(' ', at);
    if (next === -1) {
      params.push(line.slice(at));
      break;
    }
    params.push(line.slice(at, next));
    at = next + 1;
  }
  return { ok: true, message: { tags, source, command: command.toUpperCase(), params } };
}

const AT_SIGN = 0x40;
const COLON = 0x3a;
const SPACE = 0x20;

function afterSpaces(line: string, at: number): number {
  while (line.charCodeAt(at) === SPACE) at++;
  return at;
}

/** The command word of a line, as best it can be found, for error replies about it. */
export function commandWord(line: string): string | undefined {
  const words = line.split(' ').filter(Boolean);
  let index = 0;
  if (words[index]?.startsWith('@')) index++;
  if (words[index]?.startsWith(':')) index++;
  const word = words[index];
  return word !== undefined && COMMAND_PATTERN.test(word) ? word.toUpperCase() : undefined;
}

function parseTags(section: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const tag of section.split(';')) {
    if (tag === '') continue;
    const equals = tag.indexOf('=');
    const key = equals === -1 ? tag : tag.slice(0, equals);
    if (key === '' || key === '+') continue;
    tags.set(key, equals === -1 ? '' : unescapeTagValue(tag.slice(equals + 1)));
  }
  return tags;
}

const UNESCAPES: Record<string, string> = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };

export function unescapeTagValue(value: string): string {
  // A backslash before anything else stands for that character; a lone one at the end is dropped.
  return value.replace(/\\(.?)/gs, (_match, next: string) => UNESCAPES[next] ?? next);
}

const ESCAPES: Record<string, string> = {
  ';': '\\:',
  ' ': '\\s',
  '\\': '\\\\',
  '\r': '\\r',
  '\n': '\\n',
};

export function escapeTagValue(value: string): string {
  return value.replace(/[; \\\r\n]/g, (char) => ESCAPES[char]!);
}

/**
 * Writes a message as one line, CR LF included. Throws IrcEncodeError rather than write a
 * line that could be read as something else: CR, LF or NUL anywhere, a space in a middle
 * parameter, a body over 512 bytes. With `fit`, a too long last parameter is cut (at a
 * character boundary) instead, for replies whose text may be long (a topic, a reason).
 * Other control characters are written shown, not raw, except IRC formatting (forIrc).
 */
export function serializeMessage(message: IrcMessage, options: { fit?: boolean } = {}): string {
  let head = '';
  if (message.tags && message.tags.size > 0) head = `@${serializeTags(message.tags)} `;
  let body = '';
  if (message.source !== undefined) {
    if (message.source === '' || /[\s\0]/.test(message.source)) {
      throw new IrcEncodeError('INVALID_NAME', 'A source cannot be empty or contain spaces');
    }
    body = `:${message.source} `;
  }
  if (!COMMAND_PATTERN.test(message.command)) {
    throw new IrcEncodeError('INVALID_NAME', `"${message.command}" is not a command`);
  }
  body += message.command;
  const { params } = message;
  let lastParam: string | undefined;
  for (let i = 0; i < params.length; i++) {
    const raw = params[i]!;
    if (FORBIDDEN.test(raw)) {
      throw new IrcEncodeError('FORBIDDEN_CHARACTER', 'Parameters cannot contain CR, LF or NUL');
    }
    const last = i === params.length - 1;
    const param = shownToIrc(raw, last && message.ctcp === true);
    if (last) lastParam = param;
    else {
      if (param === '' || param.includes(' ') || param.startsWith(':')) {
        throw new IrcEncodeError(
          'INVALID_PARAM',
          `Middle parameter ${i + 1} is empty or has a space or a leading ':'`,
        );
      }
      body += ` ${param}`;
    }
  }
  if (lastParam !== undefined) {
    const needsColon =
      message.trailing === true ||
      lastParam === '' ||
      lastParam.includes(' ') ||
      lastParam.startsWith(':');
    const prefix = needsColon ? ' :' : ' ';
    const room = MAX_BODY_BYTES - 2 - Buffer.byteLength(body) - prefix.length;
    let text = lastParam;
    if (Buffer.byteLength(text) > room) {
      if (!options.fit || room < 0) {
        throw new IrcEncodeError('TOO_LONG', `The line is over ${MAX_BODY_BYTES} bytes`);
      }
      text = truncateUtf8(text, room);
    }
    body += prefix + text;
  } else if (Buffer.byteLength(body) > MAX_BODY_BYTES - 2) {
    throw new IrcEncodeError('TOO_LONG', `The line is over ${MAX_BODY_BYTES} bytes`);
  }
  return `${head}${body}\r\n`;
}

/**
 * Every parameter, whoever it came from, reaches IRC clients with its controls shown but for
 * IRC formatting (see forIrc): some print text straight to a terminal.
 */
function shownToIrc(param: string, ctcp: boolean): string {
  if (!hasControls(param)) return param;
  if (ctcp && param.length >= 2 && param.startsWith(CTCP) && param.endsWith(CTCP)) {
    return `${CTCP}${forIrc(param.slice(1, -1))}${CTCP}`;
  }
  return forIrc(param);
}

const CTCP = '\x01';

function serializeTags(tags: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const [key, value] of tags) {
    if (!TAG_KEY_PATTERN.test(key))
      throw new IrcEncodeError('INVALID_NAME', `Bad tag key "${key}"`);
    if (value.includes('\0')) {
      throw new IrcEncodeError('FORBIDDEN_CHARACTER', 'Tag values cannot contain NUL');
    }
    parts.push(value === '' ? key : `${key}=${escapeTagValue(value)}`);
  }
  const section = parts.join(';');
  if (Buffer.byteLength(section) > MAX_TAG_SECTION_BYTES - 2) {
    throw new IrcEncodeError('TOO_LONG', `Tags are over ${MAX_TAG_SECTION_BYTES - 2} bytes`);
  }
  return section;
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, never cutting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/**
 * Cuts text into pieces of at most `maxBytes` of UTF-8 each, at a space when one is in the
 * second half of a piece (so words stay whole), else between characters. Text from other
 * doors may be far longer than one IRC line holds; it goes out as several messages.
 */
export function splitUtf8(text: string, maxBytes: number): string[] {
  if (maxBytes < 4) throw new RangeError('maxBytes must leave room for one character');
  const pieces: string[] = [];
  let rest = text;
  while (Buffer.byteLength(rest) > maxBytes) {
    let piece = truncateUtf8(rest, maxBytes);
    const space = piece.lastIndexOf(' ');
    if (space > piece.length / 2) piece = piece.slice(0, space + 1);
    pieces.push(piece);
    rest = rest.slice(piece.length);
  }
  pieces.push(rest);
  return pieces;
}
