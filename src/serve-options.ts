import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { configFrom } from './config/defaults.js';
import { serveHelp } from './config/help.js';
import { fromText } from './config/kinds.js';
import { CONFIG_ENV, defaultValues, SETTINGS, type SettingValues } from './config/settings.js';
import { applyEnv, applyFile, applyFlags, type Env, flagOptions } from './config/sources.js';
import { UsageError } from './config/usage-error.js';
import type { LogLevel } from './log.js';
import type { ClusterConfig, ServerConfig, StoreConfig } from './server.js';

export { UsageError };

export const SERVE_HELP = serveHelp();

/** What `chatroom serve ARGS` asks for, checked, with every default filled in. */
export type ServeCommand =
  | { help: true }
  | { help: false; logLevel: LogLevel; config: Omit<ServerConfig, 'log'> };

/**
 * Reads `chatroom serve`'s settings from its flags, the environment (`env`, which the CLI
 * passes as process.env; tests leave it empty) and the config file either names.
 */
export function parseServeArgs(args: readonly string[], env: Env = {}): ServeCommand {
  const { values: flags } = parseArgs({
    args: [...args],
    strict: true,
    options: {
      ...flagOptions(),
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (flags.help) return { help: true };
  const values = defaultValues();
  const file = typeof flags.config === 'string' ? flags.config : env[CONFIG_ENV] || undefined;
  const fileOnly =
    file === undefined ? {} : applyFile(values, file, flags.config ? '--config' : CONFIG_ENV);
  applyEnv(values, env);
  applyFlags(values, flags);
  // The default too: this machine's name may not be one IRC clients would take.
  fromText(SETTINGS.serverName, '--server-name', values.serverName);

  if (
    values.linePort === null &&
    values.framedPort === null &&
    values.httpPort === null &&
    values.ircPort === null
  ) {
    throw new UsageError('every front door is off; nobody could connect');
  }
  const store = storeConfig(values);
  const cluster = clusterConfig(values, store);
  return {
    help: false,
    logLevel: values.logLevel,
    config: {
      ...configFrom(values),
      store,
      ...(cluster ? { cluster } : {}),
      ...(fileOnly.operators ? { operators: fileOnly.operators } : {}),
    },
  };
}

/**
 * With --redis-url, the node joins a cluster, whose source of truth is PostgreSQL: another
 * store would give each node a history of its own.
 */
function clusterConfig(values: SettingValues, store: StoreConfig): ClusterConfig | undefined {
  if (values.redisUrl === undefined) return undefined;
  if (store.kind !== 'postgres') {
    throw new UsageError(
      `--redis-url needs --database-url: the nodes of a cluster share their history in PostgreSQL, not in ${store.kind === 'sqlite' ? 'SQLite' : 'memory'}`,
    );
  }
  const firstPort = [values.linePort, values.framedPort, values.httpPort, values.ircPort].find(
    (port) => port !== null,
  );
  return {
    redisUrl: values.redisUrl,
    nodeId: values.nodeId ?? `${hostname()}:${firstPort}`,
    prefix: values.redisPrefix,
    leaseMs: values.nodeLease * 1000,
    checkIntervalMs: values.clusterCheckInterval * 1000,
    maxPending: values.maxBusPending,
  };
}

/** The store follows --database-url unless --store says otherwise. */
function storeConfig(values: SettingValues): StoreConfig {
  const url = values.databaseUrl;
  const kind = values.store ?? (url ? 'postgres' : 'sqlite');
  switch (kind) {
    case 'sqlite':
      return {
        kind,
        dataDir: values.dataDir,
        synchronous: values.sqliteSynchronous,
        walLimitBytes: values.sqliteWalLimit,
      };
    case 'postgres':
      if (!url) throw new UsageError('--store postgres needs --database-url');
      return { kind, url };
    case 'memory':
      return { kind };
  }
}
