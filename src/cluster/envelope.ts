import type { ChatEvent } from '../core/events.js';
import type { Audience } from '../core/fanout.js';
import type { RoomRecord } from '../core/history.js';
import { CLIENT_TAG_KEY, clientTagBytes, MAX_CLIENT_TAG_BYTES } from '../core/rules.js';

/**
 * What the nodes of a cluster tell each other through Redis, one JSON object per published
 * message. Anything else on our channels (another application, a node of another version) is
 * refused by decodeEnvelope, logged and dropped: it never reaches a member.
 */
export const ENVELOPE_VERSION = 1;

/** Changes one mode event may carry between nodes; a request is smaller than this. */
const MAX_TRAVELLING_CHANGES = 100;

/** An Audience as it travels: lists, not iterables; never `local` (that stays home). */
export interface WireAudience {
  rooms?: string[];
  nicks?: string[];
  everyone?: true;
  except?: string;
  exceptRooms?: string[];
  liveIn?: string;
}

/** A registered user as their node describes them to the others. */
export interface MemberState {
  nick: string;
  away?: string;
  door: string;
  realname?: string;
  hidden: boolean;
  /** Room display names, in join order. */
  rooms: string[];
  /**
   * As in MemberView. Optional on the wire: a node of the version before them leaves them
   * out, and its users are shown with the defaults (see ClusterRoster).
   */
  username?: string;
  host?: string;
  /** A server operator (left out if not, and by nodes of the version before it). */
  operator?: true;
}

export type Envelope =
  | { v: 1; k: 'event'; node: string; event: ChatEvent; audience: WireAudience }
  /** A member's state (`state` null: gone); `was`, the nickname key it held before. */
  | { v: 1; k: 'member'; node: string; key: string; was?: string; state: MemberState | null }
  | { v: 1; k: 'room'; node: string; room: RoomRecord }
  /** The node (this incarnation of it) has written its members' snapshot afresh: read it. */
  | { v: 1; k: 'hello'; node: string; inc: string };

export function wireAudience(audience: Audience): WireAudience {
  const wire: WireAudience = {};
  if (audience.rooms) wire.rooms = [...audience.rooms];
  if (audience.nicks) wire.nicks = [...audience.nicks];
  if (audience.everyone) wire.everyone = true;
  if (audience.except !== undefined) wire.except = audience.except;
  if (audience.exceptRooms) wire.exceptRooms = [...audience.exceptRooms];
  if (audience.liveIn !== undefined) wire.liveIn = audience.liveIn;
  return wire;
}

/** Why a payload was refused; undefined when it is a well-formed envelope. */
export function decodeEnvelope(payload: string): Envelope | string {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return 'not JSON';
  }
  if (!isObject(value)) return 'not an object';
  if (value.v !== ENVELOPE_VERSION) return `version ${String(value.v)}, not ${ENVELOPE_VERSION}`;
  if (!isText(value.node)) return 'no node';
  switch (value.k) {
    case 'event': {
      const problem = checkEvent(value.event) ?? checkAudience(value.audience);
      return problem ?? (value as unknown as Envelope);
    }
    case 'member': {
      if (!isText(value.key)) return 'member without a key';
      if (value.was !== undefined && !isText(value.was)) return 'member with a bad previous key';
      if (value.state !== null && !isMemberState(value.state)) return 'bad member state';
      return value as unknown as Envelope;
    }
    case 'room':
      return isRoomRecord(value.room) ? (value as unknown as Envelope) : 'bad room record';
    case 'hello':
      return isText(value.inc) ? (value as unknown as Envelope) : 'hello without an incarnation';
    default:
      return `unknown kind ${String(value.k)}`;
  }
}

/** The fields each event type needs, with their types: enough that no door trips over one. */
const EVENT_FIELDS: Partial<Record<ChatEvent['type'], Record<string, FieldType>>> = {
  message: {
    id: 'id',
    room: 'text',
    from: 'text',
    text: 'string',
    action: 'boolean',
    time: 'number',
  },
  private: {
    id: 'id',
    from: 'text',
    to: 'text',
    text: 'string',
    action: 'boolean',
    time: 'number',
  },
  join: { room: 'text', nick: 'text' },
  part: { room: 'text', nick: 'text', reason: 'string' },
  quit: { nick: 'text', reason: 'string' },
  nick: { oldNick: 'text', newNick: 'text' },
  topic: { room: 'text', nick: 'text', topic: 'string' },
  away: { nick: 'text' },
  mode: { room: 'text', nick: 'text' },
  kick: { room: 'text', nick: 'text', target: 'text', reason: 'string' },
  invite: { room: 'text', nick: 'text', target: 'text' },
  tags: { from: 'text', to: 'text', private: 'boolean' },
  // What server operators do: the target's node disconnects them; every node keeps the ban.
  kill: { nick: 'text', target: 'text', reason: 'string' },
  wallops: { nick: 'text', text: 'string' },
  'server-ban': { nick: 'text', mask: 'text', on: 'boolean', setAt: 'number', reason: 'string' },
};

type FieldType = 'text' | 'string' | 'boolean' | 'number' | 'id';

function checkEvent(event: unknown): string | undefined {
  if (!isObject(event) || typeof event.type !== 'string') return 'event without a type';
  const fields = EVENT_FIELDS[event.type as ChatEvent['type']];
  if (!fields) return `event type ${event.type} does not travel between nodes`;
  for (const [name, type] of Object.entries(fields)) {
    if (!hasType(event[name], type)) return `${event.type} event with a bad ${name}`;
  }
  if (event.type === 'away' && event.message !== undefined && typeof event.message !== 'string') {
    return 'away event with a bad message';
  }
  if (event.crowd !== undefined && event.crowd !== true) return 'bad crowd flag';
  if (event.notice !== undefined && event.notice !== true) return 'bad notice flag';
  if (event.forced !== undefined && event.forced !== true) return 'bad forced flag';
  if (event.type === 'mode') return checkModeEvent(event);
  if (event.type === 'server-ban' && event.expiresAt !== undefined) {
    if (!hasType(event.expiresAt, 'number')) return 'server-ban event with a bad expiry';
  }
  // Client tags: what TAGMSG is, and what a message may carry.
  if (event.tags !== undefined || event.type === 'tags') return checkTags(event.tags);
  return undefined;
}

/** Client tags as a door would have taken them from its client, within the same allowance. */
function checkTags(tags: unknown): string | undefined {
  if (!isObject(tags)) return 'tags that are not an object';
  for (const [key, value] of Object.entries(tags)) {
    if (!CLIENT_TAG_KEY.test(key)) return 'a tag that is not a client tag';
    if (typeof value !== 'string' || value.includes('\0')) return 'a tag value that is not text';
  }
  if (clientTagBytes(tags as Record<string, string>) > MAX_CLIENT_TAG_BYTES) {
    return `tags over ${MAX_CLIENT_TAG_BYTES} bytes`;
  }
  return undefined;
}

/** A mode event's changes, each a known mode with the fields it needs (see ModeChange). */
function checkModeEvent(event: Record<string, unknown>): string | undefined {
  if (event.byServer !== undefined && event.byServer !== true) return 'bad byServer flag';
  const changes = event.changes;
  if (!Array.isArray(changes) || changes.length === 0 || changes.length > MAX_TRAVELLING_CHANGES) {
    return 'mode event with bad changes';
  }
  for (const change of changes) {
    if (!isObject(change) || typeof change.on !== 'boolean') return 'mode change without on';
    const problem = checkModeChange(change);
    if (problem) return `mode change ${problem}`;
  }
  return undefined;
}

function checkModeChange(change: Record<string, unknown>): string | undefined {
  switch (change.mode) {
    case 'moderated':
    case 'noOutside':
    case 'topicLock':
    case 'inviteOnly':
    case 'secret':
      return undefined;
    case 'key':
      return isText(change.key) ? undefined : 'with a bad key';
    case 'limit':
      return change.limit === undefined || hasType(change.limit, 'id')
        ? undefined
        : 'with a bad limit';
    case 'owner':
    case 'op':
    case 'voice':
      return isText(change.nick) ? undefined : 'with a bad nick';
    case 'ban':
    case 'mute':
      if (!isText(change.mask)) return 'with a bad mask';
      if (change.nick !== undefined && !isText(change.nick)) return 'with a bad nick';
      if (change.expiresAt !== undefined && !hasType(change.expiresAt, 'number'))
        return 'with a bad expiry';
      if (change.reason !== undefined && typeof change.reason !== 'string')
        return 'with a bad reason';
      return undefined;
    default:
      return `of unknown mode ${String(change.mode).slice(0, 20)}`;
  }
}

function checkAudience(audience: unknown): string | undefined {
  if (!isObject(audience)) return 'no audience';
  for (const list of ['rooms', 'nicks', 'exceptRooms'] as const) {
    const value = audience[list];
    if (value !== undefined && !(Array.isArray(value) && value.every(isText))) {
      return `audience with a bad ${list}`;
    }
  }
  if (audience.everyone !== undefined && audience.everyone !== true) return 'bad everyone';
  if (audience.except !== undefined && !isText(audience.except)) return 'bad except';
  if (audience.liveIn !== undefined && !isText(audience.liveIn)) return 'bad liveIn';
  return undefined;
}

export function isMemberState(value: unknown): value is MemberState {
  return (
    isObject(value) &&
    isText(value.nick) &&
    isText(value.door) &&
    typeof value.hidden === 'boolean' &&
    (value.away === undefined || typeof value.away === 'string') &&
    (value.realname === undefined || typeof value.realname === 'string') &&
    (value.username === undefined || isName(value.username)) &&
    (value.host === undefined || isName(value.host)) &&
    (value.operator === undefined || value.operator === true) &&
    Array.isArray(value.rooms) &&
    value.rooms.every(isText)
  );
}

function isRoomRecord(value: unknown): value is RoomRecord {
  return (
    isObject(value) &&
    isText(value.key) &&
    isText(value.name) &&
    typeof value.topic === 'string' &&
    typeof value.createdBy === 'string' &&
    typeof value.createdAt === 'number' &&
    (value.topicSetBy === undefined || typeof value.topicSetBy === 'string') &&
    (value.topicSetAt === undefined || typeof value.topicSetAt === 'number')
  );
}

function hasType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'text':
      return isText(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'id':
      return Number.isSafeInteger(value) && (value as number) > 0;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What goes into an IRC mask: no spaces, no '!' or '@', nothing that could end a line. */
function isName(value: unknown): value is string {
  return isText(value) && value.length <= 64 && /^[^\s\0!@]+$/.test(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 512;
}
