import { DEFAULTS } from './defaults.js';
import { fill } from './present.js';
import type { Group, Setting } from './setting.js';
import { CONFIG_ENV, SETTING_KEYS, SETTINGS } from './settings.js';

const WIDTH = 100;
/** Where option text starts: a flag and its argument up to this wide share its first line. */
const TEXT_COLUMN = 25;

const HEADINGS: Record<Group, string> = {
  doors: 'Options:',
  history: 'History (every message is stored before anyone receives it):',
  limits: 'Limits (per IPv4 address or IPv6 /64; see "Limits" in docs/operations.md):',
  rooms: 'Rooms and nicknames (limits on what one user can make everyone pay for):',
  cluster: 'Cluster (several nodes as one chat; see docs/cluster.md):',
  // After a blank line, with no heading.
  general: '',
};

/** Options that are not settings: they say where settings come from, or ask for this text. */
const META_OPTIONS = [
  {
    flag: '--config FILE',
    help: `read settings from a JSON file, e.g. {"linePort": 0, "maxRooms": 500} (also ${CONFIG_ENV})`,
  },
  { flag: '-h, --help', help: 'this text' },
];

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  return [...lines, line];
}

function option(flag: string, help: string): string {
  const indent = ' '.repeat(TEXT_COLUMN);
  // A default stays on the line that says it is one.
  const [first = '', ...rest] = wrap(
    help.replaceAll('default ', 'default\u00a0'),
    WIDTH - TEXT_COLUMN,
  ).map((line) => indent + line.replaceAll('\u00a0', ' '));
  const lead = `  ${flag}`;
  const head =
    lead.length < TEXT_COLUMN ? lead.padEnd(TEXT_COLUMN) + first.trimStart() : `${lead}\n${first}`;
  return [head, ...rest].join('\n');
}

function settingOption(setting: Setting): string {
  return option(`--${setting.flag} ${setting.arg}`, fill(setting.help, setting));
}

function section(group: Group): string {
  const rows = SETTING_KEYS.map((key) => SETTINGS[key] as Setting).filter(
    (setting) => setting.group === group,
  );
  const options = rows.map(settingOption);
  if (group === 'general')
    options.push(...META_OPTIONS.map((meta) => option(meta.flag, meta.help)));
  return [HEADINGS[group], ...options].filter(Boolean).join('\n');
}

const GROUPS: Group[] = ['doors', 'history', 'limits', 'rooms', 'cluster', 'general'];

/** `chatroom serve --help`, made from the settings table. */
export function serveHelp(): string {
  const intro = `Usage: chatroom serve [options]

Runs the chat server. Every front door leads to the same rooms and nicknames. When ready it
prints one line per open door, e.g. "line listening on 127.0.0.1:${DEFAULTS.linePort}"; logs are JSON lines on stderr.
SIGINT or SIGTERM tells every client the server is shutting down, flushes and exits 0.

Every option can also be set in the environment, as CHATROOM_ and its name in capitals
(CHATROOM_LINE_PORT=0), or in the JSON file given with --config, under its name in camelCase
("linePort"). Flags override the environment, which overrides the file.

Server operators (OPER on IRC, /oper elsewhere: KILL, WALLOPS, server bans, every room's
audit log) are defined in the config file only, with password hashes from chatroom
hash-password, never passwords, and optionally the addresses they may OPER from:
  "operators": [{"name": "alice", "password": "scrypt$...", "hosts": ["127.0.0.1"]}]
See "Server operators" in docs/operations.md.`;
  return `${[intro, ...GROUPS.map(section)].join('\n\n')}\n`;
}
