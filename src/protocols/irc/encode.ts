import type { ChatEvent, ClientTags } from '../../core/events.js';
import { conversationKey, type StoredMessage } from '../../core/history.js';
import type { ModeChange } from '../../core/moderation/mode-change.js';
import { formatChanges } from '../../core/moderation/mode-letters.js';
import { foldCase } from '../../core/names.js';
import { forIrc } from '../formatting.js';
import { CAP_AWAY_NOTIFY, CAP_MESSAGE_TAGS, CAP_SERVER_TIME } from './caps.js';
import { type IrcUser, userMask } from './identity.js';
import {
  escapeTagValue,
  type IrcMessage,
  MAX_BODY_BYTES,
  serializeMessage,
  splitUtf8,
} from './message.js';
import { ircModeChanges } from './prefixes.js';

/**
 * Chat events as IRC lines. Pure: the same event, variant and actor always give the same
 * text, which is what lets a broadcast be encoded once per variant and the bytes shared by
 * every recipient with that variant.
 */

/**
 * A message id that names its target, so a CHATHISTORY reference can be checked against the
 * target it is used with: "#room/42", or for a private conversation "alice,bob/42". Long
 * messages split over several lines get "/42.1", "/42.2"... for the extra lines.
 */
export function msgid(targetKey: string, id: number, part = 0): string {
  const base = `${targetKey.replace(/^@/, '').replace(' ', ',')}/${id}`;
  return part === 0 ? base : `${base}.${part}`;
}

/** The message number in a msgid made by `msgid` for `targetKey`, or undefined. */
export function parseMsgid(value: string, targetKey: string): number | undefined {
  const match = /^(.*)\/(\d{1,15})(?:\.\d+)?$/.exec(value);
  if (!match || match[1] !== msgid(targetKey, 0).slice(0, -2)) return undefined;
  return Number(match[2]);
}

export function privateKey(nickA: string, nickB: string): string {
  return conversationKey(foldCase(nickA), foldCase(nickB));
}

const CTCP = '\x01';

export interface ChatLine {
  id: number;
  /** Room key or conversation key: for the msgid. */
  targetKey: string;
  from: string;
  /** Where the PRIVMSG is addressed: a room name or a nickname. */
  to: string;
  text: string;
  action: boolean;
  /** Sent with NOTICE rather than PRIVMSG (while it is live: stored messages have no mark). */
  notice?: boolean | undefined;
  time: number;
  /** The sender's client tags: shown to clients with message-tags, and only to them. */
  tags?: ClientTags | undefined;
}

/**
 * A chat message as one or more PRIVMSG lines: text from other doors may be longer than a
 * line holds, so it is split (at spaces when possible), never cut. /me is a CTCP ACTION.
 * `prefixTime` puts the time in the text, for replayed messages to clients without server-time.
 */
export function privmsgLines(
  line: ChatLine,
  variant: number,
  /** The sender's mask, nick!user@host. */
  source: string,
  extraTags?: ReadonlyMap<string, string>,
  prefixTime = false,
): string {
  // Before any measuring: shown controls take more bytes than raw ones. This also turns a
  // \x01 from another door, which IRC clients would take for a CTCP request, into ^A.
  const text = forIrc(line.text);
  if (text !== line.text) line = { ...line, text };
  const clientTags = variant & CAP_MESSAGE_TAGS ? line.tags : undefined;
  if (extraTags === undefined && clientTags === undefined && !prefixTime) {
    const fast = onePrivmsg(line, variant, source);
    if (fast !== undefined) return fast;
  }
  const command = line.notice ? 'NOTICE' : 'PRIVMSG';
  const wrap = line.action ? `${CTCP}ACTION ${CTCP}`.length : 0;
  const overhead = Buffer.byteLength(`:${source} ${command} ${line.to} :`) + wrap + 2;
  const shownText = prefixTime ? `[${formatTime(line.time)}] ${line.text}` : line.text;
  const pieces = splitUtf8(shownText, MAX_BODY_BYTES - overhead);
  let out = '';
  for (let part = 0; part < pieces.length; part++) {
    const piece = pieces[part]!;
    const tags = new Map(extraTags);
    if (variant & CAP_MESSAGE_TAGS) tags.set('msgid', msgid(line.targetKey, line.id, part));
    if (variant & CAP_SERVER_TIME) tags.set('time', new Date(line.time).toISOString());
    out += serializeMessage({
      tags: withClientTags(tags, clientTags),
      source,
      command,
      params: [line.to, line.action ? `${CTCP}ACTION ${piece}${CTCP}` : piece],
      trailing: true,
      ctcp: line.action,
    });
  }
  return out;
}

/** The server's tags, then the client's in the order they came (their keys start with '+'). */
function withClientTags(
  serverTags: ReadonlyMap<string, string> | undefined,
  clientTags: ClientTags | undefined,
): ReadonlyMap<string, string> | undefined {
  if (clientTags === undefined) return serverTags;
  const tags = new Map(serverTags);
  for (const [key, value] of Object.entries(clientTags)) tags.set(key, value);
  return tags;
}

const SAFE_SOURCE = /^[^\s\0]+$/;
const SAFE_MIDDLE = /^[^\0\r\n :][^\0\r\n ]*$/;
const SAFE_TRAILING = /^[^\0\r\n]*$/;

/**
 * The live message of a broadcast, as it nearly always is: one line, no extra tags. Built
 * directly, with the serializer's checks but without its general machinery, because it runs
 * for every message of every room (a third of the IRC door's cost per message went to the
 * general path). Undefined when it is not that simple, or anything looks wrong: the general
 * path then splits the text or refuses it.
 */
function onePrivmsg(line: ChatLine, variant: number, source: string): string | undefined {
  const body = line.action ? `${CTCP}ACTION ${line.text}${CTCP}` : line.text;
  const head = `:${source} ${line.notice ? 'NOTICE' : 'PRIVMSG'} ${line.to} :`;
  // A UTF-16 unit takes at most 3 bytes: most lines fit by their length alone, unmeasured.
  const mayNotFit = (head.length + body.length) * 3 + 2 > MAX_BODY_BYTES;
  if (mayNotFit && Buffer.byteLength(head) + Buffer.byteLength(body) + 2 > MAX_BODY_BYTES) {
    return undefined;
  }
  if (!SAFE_SOURCE.test(source) || !SAFE_MIDDLE.test(line.to) || !SAFE_TRAILING.test(body)) {
    return undefined;
  }
  let tags = '';
  if (variant & CAP_MESSAGE_TAGS) tags = `msgid=${escapeTagValue(msgid(line.targetKey, line.id))}`;
  if (variant & CAP_SERVER_TIME) {
    tags += `${tags ? ';' : ''}time=${new Date(line.time).toISOString()}`;
  }
  return tags ? `@${tags} ${head}${body}\r\n` : `${head}${body}\r\n`;
}

/**
 * The events that read the same for everyone who gets them (given their variant): what a
 * room or a conversation hears. `actor` is the user who did it (the one actorOf names), looked
 * up once per broadcast: their mask is the source, and clients with away-notify learn a
 * joiner's away message with the JOIN.
 */
export function encodeShared(
  event: ChatEvent,
  variant: number,
  actor: IrcUser,
  /** The server's name, the source of what the server itself did (a MODE on someone's return). */
  serverHost = '*',
): string {
  // A room's messages are most of what is encoded: they need none of what is below.
  if (event.type === 'message') {
    const line: ChatLine = {
      id: event.id,
      targetKey: foldCase(event.room),
      from: event.from,
      to: event.room,
      text: event.text,
      action: event.action,
      notice: event.notice,
      time: event.time,
      tags: event.tags,
    };
    return privmsgLines(line, variant, userMask(event.from, actor));
  }
  const time = variant & CAP_SERVER_TIME ? new Map([['time', isoNow()]]) : undefined;
  const from = (nick: string) => userMask(nick, actor);
  switch (event.type) {
    case 'private':
      return privmsgLines(
        { ...event, targetKey: privateKey(event.from, event.to), to: event.to },
        variant,
        from(event.from),
      );
    case 'tags': {
      // Only clients with message-tags are given these (a TAGMSG is nothing but its tags).
      const tags = new Map(time);
      if (event.id !== undefined) tags.set('msgid', event.id);
      return serializeMessage({
        tags: withClientTags(tags, event.tags),
        source: from(event.from),
        command: 'TAGMSG',
        params: [event.to],
      });
    }
    case 'join': {
      let out = serializeMessage({
        tags: time,
        source: from(event.nick),
        command: 'JOIN',
        params: [event.room],
      });
      const away = variant & CAP_AWAY_NOTIFY ? actor.away : undefined;
      if (away !== undefined) {
        out += serializeMessage(
          { tags: time, source: from(event.nick), command: 'AWAY', params: [away], trailing: true },
          { fit: true },
        );
      }
      return out;
    }
    case 'part':
      return serializeMessage(
        {
          tags: time,
          source: from(event.nick),
          command: 'PART',
          params: event.reason ? [event.room, event.reason] : [event.room],
          trailing: event.reason !== '',
        },
        { fit: true },
      );
    case 'quit':
      return serializeMessage(
        {
          tags: time,
          source: from(event.nick),
          command: 'QUIT',
          params: [event.reason],
          trailing: true,
        },
        { fit: true },
      );
    case 'nick':
      return serializeMessage({
        tags: time,
        source: from(event.oldNick),
        command: 'NICK',
        params: [event.newNick],
      });
    case 'topic':
      return serializeMessage(
        {
          tags: time,
          source: from(event.nick),
          command: 'TOPIC',
          params: [event.room, event.topic],
          trailing: true,
        },
        { fit: true },
      );
    case 'mode':
      return modeLines(
        event.room,
        ircModeChanges(event.changes),
        event.byServer ? serverHost : from(event.nick),
        time,
      );
    case 'kick':
      return serializeMessage(
        {
          tags: time,
          source: from(event.nick),
          command: 'KICK',
          params: [event.room, event.target, event.reason],
          trailing: true,
        },
        { fit: true },
      );
    case 'away':
      return serializeMessage(
        event.message === undefined
          ? { tags: time, source: from(event.nick), command: 'AWAY', params: [] }
          : {
              tags: time,
              source: from(event.nick),
              command: 'AWAY',
              params: [event.message],
              trailing: true,
            },
        { fit: true },
      );
    default:
      return '';
  }
}

/** Changes whose parameters fit one MODE line with room to spare (masks are long). */
const MODE_LINE_PARAM_BYTES = 300;

/** MODE lines for a room's changes: as few as fit, each within IRC's line length. */
export function modeLines(
  room: string,
  changes: readonly ModeChange[],
  source: string,
  tags?: Map<string, string>,
): string {
  let out = '';
  let start = 0;
  while (start < changes.length) {
    let end = start + 1;
    let bytes = formatChanges(changes.slice(start, end)).params.join(' ').length;
    while (end < changes.length) {
      const more = formatChanges([changes[end]!]).params.join(' ').length + 1;
      if (bytes + more > MODE_LINE_PARAM_BYTES) break;
      bytes += more;
      end++;
    }
    const { letters, params } = formatChanges(changes.slice(start, end));
    out += serializeMessage({ tags, source, command: 'MODE', params: [room, letters, ...params] });
    start = end;
  }
  return out;
}

/** What a history line needs of a stored message. */
export type HistoryLineSource = Pick<StoredMessage, 'id' | 'sender' | 'text' | 'action' | 'time'>;

/**
 * Stored messages as their PRIVMSG line(s), for replays and CHATHISTORY. `userOf` gives the
 * senders' masks (asked once per sender): stored messages keep only the nickname.
 */
export function historyLines(
  messages: readonly HistoryLineSource[],
  target: { name: string; isPrivate: boolean },
  viewerNick: string,
  variant: number,
  userOf: (nick: string) => IrcUser,
  batch: string | undefined,
): string {
  const tags = batch === undefined ? undefined : new Map([['batch', batch]]);
  const prefixTime = (variant & CAP_SERVER_TIME) === 0;
  const masks = new Map<string, string>();
  const maskOf = (nick: string) => {
    let mask = masks.get(nick);
    if (mask === undefined) {
      mask = userMask(nick, userOf(nick));
      masks.set(nick, mask);
    }
    return mask;
  };
  let out = '';
  for (const message of messages) {
    // In a conversation, the other person's messages were addressed to the viewer.
    const mine = foldCase(message.sender) === foldCase(viewerNick);
    const to = !target.isPrivate ? target.name : mine ? target.name : viewerNick;
    const line: ChatLine = {
      id: message.id,
      targetKey: target.isPrivate ? privateKey(viewerNick, target.name) : foldCase(target.name),
      from: message.sender,
      to,
      text: message.text,
      action: message.action,
      time: message.time,
    };
    out += privmsgLines(line, variant, maskOf(message.sender), tags, prefixTime);
  }
  return out;
}

function formatTime(time: number): string {
  return new Date(time).toISOString().slice(0, 16).replace('T', ' ');
}

function isoNow(): string {
  return new Date().toISOString();
}

/** Splits words into as few lines as fit, each `build(words)` staying within 512 bytes. */
export function packWords(
  words: readonly string[],
  build: (joined: string) => IrcMessage,
): string[] {
  const lines: string[] = [];
  const fixed = Buffer.byteLength(serializeMessage(build('')));
  let current: string[] = [];
  let bytes = fixed;
  for (const word of words) {
    const size = Buffer.byteLength(word) + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && bytes + size > MAX_BODY_BYTES) {
      lines.push(serializeMessage(build(current.join(' '))));
      current = [];
      bytes = fixed;
    }
    current.push(word);
    bytes += Buffer.byteLength(word) + (current.length > 1 ? 1 : 0);
  }
  if (current.length > 0 || lines.length === 0)
    lines.push(serializeMessage(build(current.join(' '))));
  return lines;
}
