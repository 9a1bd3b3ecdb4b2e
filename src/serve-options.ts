import { parseArgs } from 'node:util';
import { configFrom } from './config/defaults.js';
import { serveHelp } from './config/help.js';
import { fromText } from './config/kinds.js';
import { CONFIG_ENV, defaultValues, SETTINGS, type SettingValues } from './config/settings.js';
import { applyEnv, applyFile, applyFlags, type Env, flagOptions } from './config/sources.js';
import { UsageError } from './config/usage-error.js';
import type { LogLevel } from './log.js';
import type { ServerConfig, StoreConfig } from './server.js';

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
  if (file !== undefined) applyFile(values, file, flags.config ? '--config' : CONFIG_ENV);
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
  return {
    help: false,
    logLevel: values.logLevel,
    config: { ...configFrom(values), store: storeConfig(values) },
  };
}

/** The store follows --database-url unless --store says otherwise. */
function storeConfig(values: SettingValues): StoreConfig {
  const url = values.databaseUrl;
  const kind = values.store ?? (url ? 'postgres' : 'sqlite');
  switch (kind) {
    case 'sqlite':
      return { kind, dataDir: values.dataDir, synchronous: values.sqliteSynchronous };
    case 'postgres':
      if (!url) throw new UsageError('--store postgres needs --database-url');
      return { kind, url };
    case 'memory':
      return { kind };
  }
}
