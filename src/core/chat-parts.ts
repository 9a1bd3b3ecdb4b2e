import { randomUUID } from 'node:crypto';
import { DEFAULTS } from '../config/defaults.js';
import type { ChatOptions } from './chat-options.js';
import { type Fanout, type LocalDirectory, LocalFanout } from './fanout.js';
import { FromElsewhere } from './from-elsewhere.js';
import { GroupCommitter } from './group-commit.js';
import { HistoryReading } from './history-reading.js';
import type { Member } from './member.js';
import { Messaging } from './messaging.js';
import { gateOf } from './moderation/gate.js';
import { LocalModerationStore } from './moderation/local-store.js';
import { Moderation } from './moderation/moderation.js';
import { LocalNickRegistry } from './nick-registry.js';
import { ServerOperators } from './operators/operators.js';
import { Presence } from './presence.js';
import { Queries } from './queries.js';
import { DEFAULT_ROOM_LIMITS, RoomLimits } from './room-limits.js';
import { Rooms } from './rooms.js';
import { NO_ROSTER } from './roster.js';

/** What a Chat is, besides its settings: the parts that do the work, wired to each other. */
export interface ChatParts {
  readonly writer: GroupCommitter;
  readonly fanout: Fanout;
  readonly presence: Presence;
  readonly rooms: Rooms;
  readonly messaging: Messaging;
  readonly reading: HistoryReading;
  readonly moderation: Moderation;
  readonly operators: ServerOperators;
  readonly elsewhere: FromElsewhere;
  readonly queries: Queries;
}

/** The settings of a Chat the parts share, with their defaults filled in. */
export interface ChatSettings {
  readonly serverName: string;
  readonly lobby: string;
  readonly historyOnJoin: number;
  readonly maxTopicLength: number;
}

export function chatSettings(options: ChatOptions): ChatSettings {
  return {
    serverName: options.serverName ?? 'chatroom',
    lobby: options.lobby ?? '#lobby',
    historyOnJoin: options.historyOnJoin ?? DEFAULTS.historyOnJoin,
    maxTopicLength: options.maxTopicLength ?? 390,
  };
}

/**
 * Builds the parts of a Chat and wires them together. The fan-out is built last, over the
 * members the parts keep; the parts reach it through a forward made first. `detach` takes a
 * member out of the chat (Chat.detach), for what puts people out (KILL, server bans).
 */
export function wireChat(
  options: ChatOptions,
  settings: ChatSettings,
  detach: (member: Member, reason: string) => void,
): ChatParts {
  const history = options.history;
  const now = options.now ?? Date.now;
  const { serverName, lobby, historyOnJoin, maxTopicLength } = settings;
  // The server passes --max-line-bytes: a message is at most a line.
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULTS.maxLineBytes;
  let built: Fanout | undefined;
  const fanout: Fanout = {
    publish: (event, audience) => built!.publish(event, audience),
    get ordersMessages() {
      return built!.ordersMessages;
    },
    batch: (work) => (built!.batch ? built!.batch(work) : work()),
    tell: (member, event) => (built!.tell ? built!.tell(member, event) : member.send(event)),
  };
  const writer = new GroupCommitter(history, options.maxPendingWrites, fanout.batch);
  const limits = new RoomLimits(options.roomLimits ?? DEFAULT_ROOM_LIMITS, now);
  const roster = options.roster ?? NO_ROSTER;
  let moderation: Moderation | undefined;
  const gate = gateOf(() => moderation!); // built over the rooms, which check through it
  const presence = new Presence({
    nicks: options.nicks ?? new LocalNickRegistry(),
    roster,
    nodeId: options.nodeId ?? randomUUID(),
    serverName,
    limits,
    fanout,
    now,
    ...(options.onRegistryError ? { onRegistryError: options.onRegistryError } : {}),
    onRenamed: (oldKey, newKey) => moderation!.renamed(oldKey, newKey, true),
  });
  const rooms = new Rooms({
    history,
    fanout,
    lobby,
    historyOnJoin,
    maxTopicLength,
    maxMessageBytes,
    limits,
    expiryMs: options.roomExpiryMs ?? 0,
    crowdNotices: options.crowdNotices ?? {
      above: DEFAULTS.rooms.summarizeJoinsAbove,
      quietAbove: DEFAULTS.rooms.summarizeAllJoinsAbove,
      intervalMs: DEFAULTS.rooms.summaryMs,
    },
    roster,
    gate,
    now,
  });
  const store = options.moderation ?? new LocalModerationStore();
  moderation = new Moderation({
    store,
    rooms,
    presence,
    roster,
    fanout,
    lobbyKey: rooms.lobbyKey,
    serverName,
    now,
    ...(options.onModerationStoreError ? { onStoreError: options.onModerationStoreError } : {}),
  });
  const messaging = new Messaging({
    history,
    writer,
    fanout,
    rooms,
    gate,
    presence,
    historyOnJoin,
    maxMessageBytes,
    now,
  });
  const operators = new ServerOperators({
    credentials: options.operators,
    store,
    serverWide: moderation.serverWide,
    presence,
    roster,
    fanout,
    now,
    detach,
    onLog: options.onOperatorLog,
    onStoreError: options.onModerationStoreError,
  });
  const elsewhere = new FromElsewhere(
    rooms,
    fanout,
    historyOnJoin,
    now,
    roster,
    presence.past,
    moderation,
    operators,
    (nick) => presence.find(nick),
  );
  const directory: LocalDirectory = {
    roomMembers: (key) => rooms.membersOf(key),
    roomFollowers: (key) => rooms.followersOf(key),
    memberByNick: (key) => presence.byNick.get(key),
    everyone: () => presence.connected,
  };
  built = options.fanout
    ? options.fanout(directory, options.onDeliveryError)
    : new LocalFanout(directory, options.onDeliveryError);
  return {
    writer,
    fanout: built,
    presence,
    rooms,
    messaging,
    reading: new HistoryReading(history, rooms, presence),
    moderation,
    operators,
    elsewhere,
    queries: new Queries(rooms, presence, roster),
  };
}
