import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultCell, withDocTables } from './docs.js';
import { fromText } from './kinds.js';
import { shown } from './present.js';
import type { Setting } from './setting.js';
import { envName, SETTING_KEYS, SETTINGS } from './settings.js';

const OPERATIONS = new URL('../../docs/operations.md', import.meta.url);
const README = new URL('../../README.md', import.meta.url);

const rows = SETTING_KEYS.map((key) => [key, SETTINGS[key] as Setting] as const);

/** The `code` spans of a Markdown table cell. */
function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]*)`/g)].map((match) => match[1]!);
}

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

  it('is what docs/operations.md says (else run npm run docs:settings)', () => {
    const page = readFileSync(OPERATIONS, 'utf8');
    expect(withDocTables(page)).toBe(page);
  });

  it("agrees with README.md's shorter table on every default it shows", () => {
    const readme = readFileSync(README, 'utf8');
    const table = readme.slice(readme.indexOf('| flag | default |'));
    const lines = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    const checked: string[] = [];
    for (const line of lines) {
      const [flags = '', defaults = ''] = line.split(/(?<!\\)\|/).slice(1);
      const keys = [...flags.matchAll(/`--([a-z-]+)/g)].map((match) =>
        rows.find(([, setting]) => setting.flag === match[1]),
      );
      const shownDefaults = codeSpans(defaults);
      keys.forEach((row, index) => {
        expect(row, `README names a flag the table lacks: ${line}`).toBeDefined();
        const said = shownDefaults.length === 1 ? shownDefaults[0] : shownDefaults[index];
        if (!row || said === undefined) return;
        expect({ flag: row[1].flag, default: said }).toEqual({
          flag: row[1].flag,
          default: codeSpans(defaultCell(row[1]))[0],
        });
        checked.push(row[1].flag);
      });
    }
    // The table was found and read, not skipped.
    expect(checked).toContain('line-port');
    expect(checked.length).toBeGreaterThan(15);
  });
});
