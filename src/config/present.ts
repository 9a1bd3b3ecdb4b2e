import { HARD_QUEUE_FACTOR } from '../net/connection.js';
import { UNTERMINATED_FACTOR } from '../protocols/line/codec.js';
import { FIXED } from './defaults.js';
import type { Setting } from './setting.js';

/** A value as one would type it after the flag. */
export function shown(setting: Setting, value: unknown = setting.default): string {
  if (value === undefined) return '';
  if (value === null) return 'off';
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/**
 * Help and docs text with its placeholders filled in: {default}, {values} (an enum's;
 * {codeValues} as Markdown code), and
 * the fixed numbers that other code owns, so that no text repeats them.
 */
export function fill(text: string, setting: Setting): string {
  const fills: Record<string, string> = {
    default: shown(setting),
    values: 'values' in setting ? setting.values.join(', ') : '',
    codeValues: 'values' in setting ? setting.values.map((value) => `\`${value}\``).join(', ') : '',
    unterminatedFactor: String(UNTERMINATED_FACTOR),
    hardQueueFactor: String(HARD_QUEUE_FACTOR),
    floodMaxPendingKiB: String(FIXED.floodMaxPendingBytes / 1024),
  };
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const fill = fills[name];
    if (fill === undefined) throw new Error(`unknown placeholder ${whole} in ${setting.flag}`);
    return fill;
  });
}
