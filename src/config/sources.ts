import { fromText } from './kinds.js';
import { SETTING_KEYS, SETTINGS, type SettingKey, type SettingValues } from './settings.js';

/* Where settings come from, each source laid over the one before: defaults, then flags. */

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
