import { fill, shown } from './present.js';
import type { Group, Setting } from './setting.js';
import { CONFIG_ENV, envName, SETTING_KEYS, SETTINGS } from './settings.js';

/*
 * The tables of docs/operations.md, made from the settings table. Each sits between
 * `<!-- begin settings:NAME ... -->` and `<!-- end settings:NAME -->`; `npm run docs:settings`
 * rewrites them, and settings.test.ts fails while the page says anything else.
 */

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`.replaceAll('|  |', '| |');
}

function flagCell(setting: Setting): string {
  return `\`--${setting.flag} ${setting.arg.replaceAll('|', '\\|')}\``;
}

export function defaultCell(setting: Setting): string {
  if (setting.docDefault !== undefined) return fill(setting.docDefault, setting);
  return setting.default === undefined ? '' : `\`${shown(setting)}\``;
}

function settingsOf(groups: Group[]): Setting[] {
  return SETTING_KEYS.map((key) => SETTINGS[key] as Setting).filter((setting) =>
    groups.includes(setting.group),
  );
}

function flagTable(groups: Group[], extraRows: string[][] = []): string {
  return [
    row(['Flag', 'Default', 'Meaning']),
    row(['---', '---', '---']).replaceAll(' ', ''),
    ...settingsOf(groups).map((setting) =>
      row([flagCell(setting), defaultCell(setting), fill(setting.doc, setting)]),
    ),
    ...extraRows.map(row),
  ].join('\n');
}

function sourcesTable(): string {
  return [
    row(['Flag', 'Environment variable', 'Key in the config file']),
    row(['---', '---', '---']).replaceAll(' ', ''),
    ...SETTING_KEYS.map((key) => {
      const setting = SETTINGS[key];
      return row([`\`--${setting.flag}\``, `\`${envName(setting)}\``, `\`${key}\``]);
    }),
    row(['`--config`', `\`${CONFIG_ENV}\``, '']),
  ].join('\n');
}

/** Each generated region of docs/operations.md by name. */
export function docTables(): Record<string, string> {
  return {
    serve: flagTable(
      ['doors', 'general'],
      [
        [
          '`--config FILE`',
          '',
          'Read settings from a JSON file (see [Environment and config file](#environment-and-config-file)).',
        ],
        ['`-h`, `--help`', '', 'Print the option list and exit.'],
      ],
    ),
    history: flagTable(['history']),
    rooms: flagTable(['rooms']),
    limits: flagTable(['limits']),
    cluster: flagTable(['cluster']),
    sources: sourcesTable(),
  };
}

const REGION = /(<!-- begin settings:(\w+)[^>]*-->\n)[\s\S]*?(<!-- end settings:\2 -->)/g;

/** The page with every region made afresh; a region it lacks, or one it has no table for, is an error. */
export function withDocTables(markdown: string): string {
  const tables = docTables();
  const seen = new Set<string>();
  const updated = markdown.replace(REGION, (_, begin: string, name: string, end: string) => {
    const table = tables[name];
    if (table === undefined) throw new Error(`no settings table is called ${name}`);
    seen.add(name);
    return `${begin}${table}\n${end}`;
  });
  const missing = Object.keys(tables).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`the page has no region for ${missing.join(', ')}`);
  return updated;
}
