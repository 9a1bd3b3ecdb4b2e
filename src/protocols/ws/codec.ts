import { ChatError } from '../../core/errors.js';
import type { ChatEvent } from '../../core/events.js';
import { type Fields, id, optionalBoolean, optionalId, optionalString, string } from './fields.js';
import { readModerationRequest, roleNames } from './moderation-codec.js';
import { readOperatorRequest } from './operator-codec.js';
import {
  type ClientMessage,
  MAX_REF_LENGTH,
  MAX_RESUME_ROOMS,
  type ResumePoint,
  type ServerMessage,
} from './protocol.js';

/**
 * The WebSocket door's pure codec: JSON text in, typed client messages (or a typed error)
 * out; core events in, JSON and ready-made WebSocket frames out. No sockets here.
 */

export type Decoded =
  | { ok: true; message: ClientMessage }
  /** ref: the request's own, when it could be read, so the error can name the request. */
  | { ok: false; error: ChatError; ref: string | undefined };

export type { Fields };

/** Reads one client message. Unknown fields are ignored, so clients can be newer than us. */
export function decodeClientMessage(text: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail(new ChatError('JSON_INVALID', 'That message was not valid JSON.'), undefined);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(new ChatError('JSON_INVALID', 'A message must be a JSON object.'), undefined);
  }
  const fields = value as Fields;
  const ref =
    typeof fields.ref === 'string' && fields.ref.length > 0 && fields.ref.length <= MAX_REF_LENGTH
      ? fields.ref
      : undefined;
  try {
    return { ok: true, message: readMessage(fields) };
  } catch (error) {
    if (error instanceof ChatError) return fail(error, ref);
    throw error;
  }
}

function fail(error: ChatError, ref: string | undefined): Decoded {
  return { ok: false, error, ref };
}

function readMessage(fields: Fields): ClientMessage {
  const type = fields.type;
  if (typeof type !== 'string') {
    throw new ChatError('BAD_ARGUMENTS', 'A message needs a "type" (a string).');
  }
  const ref = optionalRef(fields);
  const withRef = <T extends object>(message: T): T & { ref?: string } =>
    ref === undefined ? message : { ...message, ref };
  switch (type) {
    case 'hello': {
      const resume = optionalResume(fields);
      return withRef({
        type,
        nick: string(fields, 'nick'),
        ...(resume === undefined ? {} : { resume }),
      });
    }
    case 'nick':
      return withRef({ type, nick: string(fields, 'nick') });
    case 'join': {
      const key = optionalString(fields, 'key');
      return withRef({ type, room: string(fields, 'room'), ...(key === undefined ? {} : { key }) });
    }
    case 'part': {
      const reason = optionalString(fields, 'reason');
      return withRef({
        type,
        room: string(fields, 'room'),
        ...(reason === undefined ? {} : { reason }),
      });
    }
    case 'send':
      return withRef({
        type,
        to: string(fields, 'to'),
        text: string(fields, 'text'),
        action: optionalBoolean(fields, 'action') ?? false,
      });
    case 'topic': {
      const topic = optionalString(fields, 'topic');
      return withRef({
        type,
        room: string(fields, 'room'),
        ...(topic === undefined ? {} : { topic }),
      });
    }
    case 'rooms': {
      const offset = optionalId(fields, 'offset');
      const limit = optionalId(fields, 'limit');
      return withRef({
        type,
        ...(offset === undefined ? {} : { offset }),
        ...(limit === undefined ? {} : { limit }),
      });
    }
    case 'ping':
      return withRef({ type });
    case 'members':
      return withRef({ type, room: string(fields, 'room') });
    case 'history': {
      const before = optionalId(fields, 'before');
      const after = optionalId(fields, 'after');
      const limit = optionalId(fields, 'limit');
      if (before !== undefined && after !== undefined) {
        throw new ChatError('BAD_ARGUMENTS', 'Give "before" or "after", not both.');
      }
      return withRef({
        type,
        target: string(fields, 'target'),
        ...(before === undefined ? {} : { before }),
        ...(after === undefined ? {} : { after }),
        ...(limit === undefined ? {} : { limit }),
      });
    }
    case 'search':
      return withRef({ type, room: string(fields, 'room'), query: string(fields, 'query') });
    case 'resume':
      return withRef({ type, room: string(fields, 'room'), after: id(fields, 'after') });
    case 'quit': {
      const reason = optionalString(fields, 'reason');
      return withRef({ type, ...(reason === undefined ? {} : { reason }) });
    }
    default: {
      const moderation = readModerationRequest(type, fields) ?? readOperatorRequest(type, fields);
      if (moderation) return withRef(moderation);
      throw new ChatError('UNKNOWN_TYPE', `There is no message type "${printable(type)}".`);
    }
  }
}

function optionalRef(fields: Fields): string | undefined {
  const ref = fields.ref;
  if (ref === undefined) return undefined;
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_REF_LENGTH) {
    throw new ChatError(
      'BAD_ARGUMENTS',
      `"ref" must be a string of 1 to ${MAX_REF_LENGTH} characters.`,
    );
  }
  return ref;
}

function optionalResume(fields: Fields): ResumePoint[] | undefined {
  const value = fields.resume;
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > MAX_RESUME_ROOMS) {
    throw new ChatError(
      'BAD_ARGUMENTS',
      `"resume" must be a list of at most ${MAX_RESUME_ROOMS} {room, after} objects.`,
    );
  }
  return value.map((point: unknown) => {
    if (typeof point !== 'object' || point === null) {
      throw new ChatError('BAD_ARGUMENTS', '"resume" entries must be {room, after} objects.');
    }
    const entry = point as Fields;
    return { room: string(entry, 'room'), after: id(entry, 'after') };
  });
}

function printable(text: string): string {
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return shown.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/**
 * The JSON message for a core event. An event reads the same to every recipient on this door
 * (the client works out "you" itself), so one encoding serves a whole broadcast. `sent` is
 * left out: the session acknowledges sends itself, with the client's ref. Events that
 * clients show as notices get `now` as their `time`, so they can be put in order among
 * messages (whose times come from the same server clock).
 */
export function toServerMessage(event: ChatEvent, now = Date.now()): ServerMessage | undefined {
  switch (event.type) {
    case 'join':
    case 'part':
    case 'quit':
    case 'nick':
    case 'topic':
    case 'notice':
      return { ...event, time: now };
    case 'sent':
    case 'help':
    // Client tags (IRC's) are not part of this protocol: neither TAGMSG nor those on messages.
    case 'tags':
      return undefined;
    case 'message':
      return withoutTags(event);
    case 'private':
      return withoutTags(event);
    case 'history':
      return {
        type: 'history',
        target: event.target,
        private: event.private,
        reason: event.reason,
        messages: event.messages.map(({ id, from, text, action, time }) => ({
          id,
          from,
          text,
          action,
          time,
        })),
        gap: event.gap ?? null,
        more: event.more,
      };
    case 'topic-is':
      return { ...event, setBy: event.setBy ?? null, setAt: event.setAt ?? null, time: now };
    case 'crowd':
      return { ...event, joined: [...event.joined], left: [...event.left], time: now };
    case 'away':
      return { type: 'away', nick: event.nick, message: event.message ?? null };
    case 'current-room':
      return { type: 'current-room', room: event.room ?? null };
    case 'members':
      return {
        type: 'members',
        room: event.room,
        nicks: [...event.nicks],
        total: event.total,
        ...(event.roles ? { roles: roleNames(event.roles) } : {}),
      };
    case 'mode':
      return { ...event, changes: [...event.changes], time: now };
    case 'kick':
    case 'invite':
      return { ...event, time: now };
    case 'modes-are':
      return { ...event, modes: { ...event.modes } };
    case 'sanctions':
      return { ...event, entries: [...event.entries] };
    case 'modlog':
      return { type: 'modlog', room: event.room ?? null, entries: [...event.entries] };
    case 'oper':
      return { type: 'oper', name: event.name ?? null };
    case 'wallops':
      return { ...event, time: now };
    case 'server-bans':
      return { type: 'server-bans', entries: [...event.entries] };
    // Between server nodes only.
    case 'kill':
    case 'server-ban':
      return undefined;
    case 'room-list':
      return {
        type: 'room-list',
        rooms: event.rooms.map((room) => ({ ...room })),
        offset: event.offset,
        total: event.total,
        more: event.more,
      };
    case 'error':
      return { type: 'error', code: event.code, message: event.message, ref: null };
    default:
      return event;
  }
}

/** IRC's own: client tags and the NOTICE mark are not part of this protocol. */
function withoutTags<E extends { tags?: unknown; notice?: true }>(
  event: E,
): Omit<E, 'tags' | 'notice'> {
  if (event.tags === undefined && event.notice === undefined) return event;
  const { tags: _tagsOnIrcOnly, notice: _noticeOnIrcOnly, ...rest } = event;
  return rest;
}

/**
 * A server-to-client WebSocket text frame (RFC 6455 section 5.2): FIN and opcode 1, no mask,
 * the payload length in 7, 16 or 64 bits, then the UTF-8 payload, in one buffer. Built once
 * per broadcast and written as it is to every recipient.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, header, 'utf8');
  return frame;
}

export function encodeServerMessage(message: ServerMessage): Buffer {
  return textFrame(JSON.stringify(message));
}
