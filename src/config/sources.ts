import { readFileSync } from 'node:fs';
import type { OperatorConfig } from '../operators/book.js';
import { fromJson, fromText } from './kinds.js';
import { OPERATORS_KEY, readOperators } from './operators.js';
import {
  envName,
  SETTING_KEYS,
  SETTINGS,
  type SettingKey,
  type SettingValues,
} from './settings.js';
import { UsageError } from './usage-error.js';

/*
 * Where settings come from, each source laid over the one before: defaults, then the config
 * file, then the environment, then flags. Every value a source gives is checked, even one a
 * later source overrides: a mistake in the file or the environment is said, not hidden.
 */

export type Env = Readonly<Record<string, string | undefined>>;

type Writable = Record<SettingKey, unknown>;

/** util.parseArgs options for every setting: all strings, read by their kind. */
export function flagOptions(): Record<string, { type: 'string' }> {
  return Object.fromEntries(SETTING_KEYS.map((key) => [SETTINGS[key].flag, { type: 'string' }]));
}

export function applyFlags(values: SettingValues, flags: Record<string, unknown>): void {
  for (const key of SETTING_KEYS) {
    const setting = SETTINGS[key];
    const text = flags[setting.flag];
    if (typeof text === 'string') {
      (values as Writable)[key] = fromText(setting, `--${setting.flag}`, text);
    }
  }
}

/** An empty variable counts as unset, as compose files and `VAR= cmd` leave them. */
export function applyEnv(values: SettingValues, env: Env): void {
  for (const key of SETTING_KEYS) {
    const setting = SETTINGS[key];
    const name = envName(setting);
    const text = env[name];
    if (text) (values as Writable)[key] = fromText(setting, name, text);
  }
}

/** What only the config file can hold: lists of records, which no flag could carry. */
export interface FileOnly {
  /** Server operators (src/config/operators.ts). */
  operators?: OperatorConfig[];
}

/**
 * A JSON object whose keys are the settings' keys in the table (linePort for --line-port),
 * and the keys that only a file holds (`operators`), which are returned.
 */
export function applyFile(values: SettingValues, path: string, source: string): FileOnly {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${source}: cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`${path} must hold a JSON object of settings, like {"linePort": 9009}`);
  }
  const fileOnly: FileOnly = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === OPERATORS_KEY) {
      fileOnly.operators = readOperators(value, path);
      continue;
    }
    if (!Object.hasOwn(SETTINGS, key)) throw new UsageError(unknownKey(path, key));
    const setting = SETTINGS[key as SettingKey];
    (values as Writable)[key as SettingKey] = fromJson(setting, `${key} in ${path}`, value);
  }
  return fileOnly;
}

function unknownKey(path: string, key: string): string {
  const camel = key
    .replace(/^-+/, '')
    .replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  const hint = Object.hasOwn(SETTINGS, camel)
    ? `; did you mean "${camel}"? Keys are the flags in camelCase`
    : '; keys are the flags of chatroom serve in camelCase, e.g. "linePort"';
  return `${path}: unknown setting "${key}"${hint}`;
}
