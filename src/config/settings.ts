import type { Setting, ValueOf } from './setting.js';
import { CLUSTER_SETTINGS } from './settings/cluster.js';
import { DOOR_SETTINGS } from './settings/doors.js';
import { HISTORY_SETTINGS } from './settings/history.js';
import { LIMIT_SETTINGS } from './settings/limits.js';
import { ROOM_SETTINGS } from './settings/rooms.js';

const GENERAL_SETTINGS = {
  logLevel: {
    flag: 'log-level',
    arg: 'LEVEL',
    group: 'general',
    kind: 'enum',
    // pino's levels; src/log.ts takes them from here.
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
    help: '{values} (default {default})',
    doc: 'One of {codeValues}.',
  },
} as const satisfies Record<string, Setting>;

/**
 * Every setting of `chatroom serve`, in the order help and docs list them. The one place each
 * default lives: the flag parser, the environment, the config file, the help text, the tables
 * in docs/operations.md and the server's DEFAULTS are all made from it.
 */
export const SETTINGS = {
  ...DOOR_SETTINGS,
  ...HISTORY_SETTINGS,
  ...LIMIT_SETTINGS,
  ...ROOM_SETTINGS,
  ...CLUSTER_SETTINGS,
  ...GENERAL_SETTINGS,
} as const satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;

/** Each setting's value, in the unit its flag takes (seconds, not ms). */
export type SettingValues = { [K in SettingKey]: ValueOf<(typeof SETTINGS)[K]> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function defaultValues(): SettingValues {
  return Object.fromEntries(
    SETTING_KEYS.map((key) => [key, SETTINGS[key].default]),
  ) as unknown as SettingValues;
}

/** CHATROOM_LINE_PORT for line-port. */
export function envName(setting: Setting): string {
  return `CHATROOM_${setting.flag.toUpperCase().replaceAll('-', '_')}`;
}

/** The environment variable that names a config file, as --config does. */
export const CONFIG_ENV = 'CHATROOM_CONFIG';
