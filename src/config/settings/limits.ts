import type { Setting } from '../setting.js';

/** Limits against floods, per connection and per address (src/net/flood.ts, per-ip.ts). */
export const LIMIT_SETTINGS = {
  limitsExempt: {
    flag: 'limits-exempt',
    arg: 'LIST',
    group: 'limits',
    kind: 'list',
    check: 'addresses',
    // Loopback, so that local tools and the benchmarks run unthrottled.
    default: ['127.0.0.0/8', '::1/128'],
    help: 'comma-separated addresses and CIDR blocks spared every limit below (default {default}; none: nobody is spared)',
    doc: 'Comma-separated addresses and CIDR blocks spared every limit below; `none` spares nobody (say, behind a proxy on the same host, which would make every client loopback).',
  },
  floodBurst: {
    flag: 'flood-burst',
    arg: 'N',
    group: 'limits',
    kind: 'positive',
    default: 5,
    help: 'inputs (messages, commands) a connection has handled at once (default {default})...',
    doc: 'Inputs (lines, frames, IRC commands, WebSocket requests) a connection has handled at once...',
  },
  floodRate: {
    flag: 'flood-rate',
    arg: 'N',
    group: 'limits',
    kind: 'count',
    default: 2,
    help: '...then per second (default {default}; 0 turns flood control off). Faster input is delayed, not dropped',
    doc: '...and per second after that. Faster input is delayed, not dropped: it waits its turn, in order ("fake lag"). `0` turns flood control off.',
  },
  floodMaxPending: {
    flag: 'flood-max-pending',
    arg: 'N',
    group: 'limits',
    kind: 'positive',
    // The web client resends at most 100 unacknowledged messages after a reconnect
    // (MAX_UNACKED in web/src/connection.ts); those already stored cost nothing (see
    // WsSession), and even if none were, 100 less the burst fits under this: a reconnect is
    // slowed, never cut.
    default: 100,
    help: 'inputs a connection may send ahead of that rate before it is disconnected for excess flood (default {default})',
    doc: 'Inputs a connection may send ahead of that rate (or {floodMaxPendingKiB} KiB of them, fixed) before it is disconnected for excess flood.',
  },
  maxConnectionsPerIp: {
    flag: 'max-connections-per-ip',
    arg: 'N',
    group: 'limits',
    kind: 'count',
    default: 16,
    help: 'connections open at once (default {default}; 0: no limit)',
    doc: 'Connections open at once from one address, over all doors. `0`: no limit.',
  },
  maxNewConnectionsPerIp: {
    flag: 'max-new-connections-per-ip',
    arg: 'N',
    group: 'limits',
    kind: 'count',
    default: 30,
    help: 'new connections per minute (default {default}; 0: no limit)',
    doc: 'New connections one address may open per minute (it may open that many at once, then earns them back over the minute). `0`: no limit.',
  },
  maxUnregisteredPerIp: {
    flag: 'max-unregistered-per-ip',
    arg: 'N',
    group: 'limits',
    kind: 'count',
    default: 8,
    help: 'connections without a nickname yet (default {default}; 0: no limit)',
    doc: 'Connections from one address that have no nickname yet (on IRC: not registered; WebSocket: no `hello` yet). `0`: no limit.',
  },
} as const satisfies Record<string, Setting>;
