import { describe, expect, it } from 'vitest';
import { fromText } from './kinds.js';
import { shown } from './present.js';
import type { Setting } from './setting.js';
import { envName, SETTING_KEYS, SETTINGS } from './settings.js';

const rows = SETTING_KEYS.map((key) => [key, SETTINGS[key] as Setting] as const);

describe('the settings table', () => {
  it.each(rows)('names %s by its flag, for the file and the environment alike', (key, setting) => {
    const camel = setting.flag.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    expect(key).toBe(camel);
    expect(envName(setting)).toMatch(/^CHATROOM_[A-Z]+(_[A-Z]+)*$/);
  });

  // Left out: defaults that stand for the flag's absence (no value, an empty list), and the
  // server's name, which is this machine's: serve-options.ts checks it when the server starts.
  const writable = rows.filter(
    ([key, setting]) =>
      setting.default !== undefined &&
      !(Array.isArray(setting.default) && setting.default.length === 0) &&
      key !== 'serverName',
  );
  it.each(
    writable,
  )('gives %s a default its own rules accept, written as one would write it', (_, setting) => {
    expect(fromText(setting, `--${setting.flag}`, shown(setting))).toEqual(setting.default);
  });
});
