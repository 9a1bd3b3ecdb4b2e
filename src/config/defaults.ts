import type { ServerConfig } from './server-config.js';
import { defaultValues, type SettingValues } from './settings.js';

/** What the server is configured with but no flag sets. */
export const FIXED = {
  ircPingIntervalMs: 120_000,
  ircPingTimeoutMs: 60_000,
  ircMotd: [
    'This is chatroom: IRC, web, netcat (line) and framed clients share its rooms and nicknames.',
    'Everyone meets in #lobby. Messages are stored: draft/chathistory clients can page back.',
  ],
  /** How often retention runs. */
  pruneIntervalMs: 60 * 60 * 1000,
  /** --flood-max-pending in bytes, so that a few huge inputs cannot hold more than this either. */
  floodMaxPendingBytes: 64 * 1024,
} as const;

/** The server's configuration but for its store (which needs more than one setting) and log. */
export type SettingsConfig = Omit<
  ServerConfig,
  'log' | 'store' | 'cluster' | 'webRoot' | 'wsHeartbeatMs' | 'operators'
>;

const seconds = (value: number) => value * 1000;
const minutes = (value: number) => value * 60_000;

/** Settings in the units flags take, as the server takes them. */
export function configFrom(values: SettingValues): SettingsConfig {
  return {
    host: values.host,
    linePort: values.linePort,
    framedPort: values.framedPort,
    httpPort: values.httpPort,
    allowedOrigins: values.allowedOrigins,
    publicHosts: values.publicHost,
    ircPort: values.ircPort,
    serverName: values.serverName,
    ircPingIntervalMs: FIXED.ircPingIntervalMs,
    ircPingTimeoutMs: FIXED.ircPingTimeoutMs,
    ircMotd: FIXED.ircMotd,
    // Empty is no password and no key: nobody means to set either to nothing.
    ircPassword: values.ircPassword || undefined,
    cloakSecret: values.cloakSecret || undefined,
    maxLineBytes: values.maxLineBytes,
    maxQueueBytes: values.maxQueueBytes,
    slowClientTimeoutMs: seconds(values.slowClientTimeout),
    nickTimeoutMs: seconds(values.nickTimeout),
    shutdownGraceMs: seconds(values.shutdownGrace),
    historyOnJoin: values.historyOnJoin,
    retention: {
      days: values.historyDays,
      maxPerRoom: values.historyMaxPerRoom,
      intervalMs: FIXED.pruneIntervalMs,
    },
    maxPendingWrites: values.maxPendingWrites,
    rooms: {
      perMinute: values.roomsPerMinute,
      burst: values.roomBurst,
      max: values.maxRooms,
      nickChangesPerMinute: values.nickChangesPerMinute,
      nickChangeBurst: values.nickChangeBurst,
      expiryMs: minutes(values.roomExpiry),
      summarizeJoinsAbove: values.summarizeJoinsAbove,
      summarizeAllJoinsAbove: values.summarizeAllJoinsAbove,
      summaryMs: seconds(values.joinSummaryInterval),
    },
    limitsExempt: values.limitsExempt,
    flood: {
      burst: values.floodBurst,
      perSecond: values.floodRate,
      maxPending: values.floodMaxPending,
      maxPendingBytes: FIXED.floodMaxPendingBytes,
    },
    maxConnectionsPerIp: values.maxConnectionsPerIp,
    maxNewConnectionsPerIp: values.maxNewConnectionsPerIp,
    maxUnregisteredPerIp: values.maxUnregisteredPerIp,
  };
}

const defaults = defaultValues();

/**
 * The server's defaults, from the settings table: what startServer's callers spread under
 * their own choices, and what the core and the doors fall back on when built without them.
 */
export const DEFAULTS = {
  ...configFrom(defaults),
  dataDir: defaults.dataDir,
};
