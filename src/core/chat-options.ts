import type { CrowdNoticeOptions } from './crowd-notices.js';
import type { Fanout, LocalDirectory } from './fanout.js';
import type { HistoryStore } from './history.js';
import type { Member } from './member.js';
import type { ModerationStore } from './moderation/types.js';
import type { NickRegistry } from './nick-registry.js';
import type { OperatorCredentials, OperatorLogEntry } from './operators/types.js';
import type { RoomLimitOptions } from './room-limits.js';
import type { Roster } from './roster.js';

/** What a Chat is built with; everything but the store has a default. */
export interface ChatOptions {
  history: HistoryStore;
  /** Rooms' modes, roles and sanctions and the audit log; kept in memory if not given. */
  moderation?: ModerationStore;
  serverName?: string;
  /** The room every user starts in, the tutorials' single room. */
  lobby?: string;
  nicks?: NickRegistry;
  /** The users and rooms of the other server nodes; none if not given (a server alone). */
  roster?: Roster;
  /** This process among the server's nodes; random if not given. */
  nodeId?: string;
  /**
   * How events reach their audience; in-process (LocalFanout over this Chat's members) if
   * not given. A fan-out shared between nodes wraps the local one.
   */
  fanout?: (local: LocalDirectory, onDeliveryError: ChatOptions['onDeliveryError']) => Fanout;
  /** Messages shown to whoever joins a room. */
  historyOnJoin?: number;
  maxMessageBytes?: number;
  maxTopicLength?: number;
  /** Messages that may wait to be stored before senders are refused. */
  maxPendingWrites?: number;
  now?: () => number;
  /**
   * Told when a front door failed to take an event (a bug there, not bad input). That member
   * is disconnected, since it has missed the event; everyone else still gets it.
   */
  onDeliveryError?: (error: unknown, member: Member) => void;
  /** Told when a moderation store call nobody waits for failed (roles following a nickname). */
  onModerationStoreError?: (error: unknown) => void;
  /** Who the server operators are (the config file's, src/operators); none if not given. */
  operators?: OperatorCredentials;
  /** Told of every OPER attempt and of what operators do, for the server's log. */
  onOperatorLog?: (entry: OperatorLogEntry) => void;
  /** Told when the nickname registry failed to release a nickname. */
  onRegistryError?: (error: unknown, nickKey: string) => void;
  // ---- rooms and nicknames limits (src/core/room-limits.ts, room-expiry.ts) ----
  /** Room creation and nickname change rates, and the most rooms; defaults if absent. */
  roomLimits?: RoomLimitOptions;
  /** How long a room without members or messages lasts; 0 (the default) keeps it for ever. */
  roomExpiryMs?: number;
  /** When big rooms summarize their joins and parts (src/core/crowd-notices.ts). */
  crowdNotices?: CrowdNoticeOptions;
}
