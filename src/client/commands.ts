import { type Command, firstWord } from '../core/commands/command.js';
import { history } from '../core/commands/history.js';
import { commandHelp, commandList } from '../core/commands/index.js';
import { join } from '../core/commands/join.js';
import { me } from '../core/commands/me.js';
import { msg } from '../core/commands/msg.js';
import { nick } from '../core/commands/nick.js';
import { resume } from '../core/commands/resume.js';
import { rooms } from '../core/commands/rooms.js';
import { search } from '../core/commands/search.js';
import { who } from '../core/commands/who.js';
import { ChatError, type ErrorCode } from '../core/errors.js';
import { MAX_ROOM_PAGE } from '../core/room-list.js';
import type { ClientMessage } from '../protocols/ws/protocol.js';

/** What a line typed at the prompt asks for. */
export type Action =
  /** A message to a room or a nickname: the client gives it a ref and resends it until acked. */
  | { kind: 'send'; to: string; text: string; action: boolean }
  /** Any other request to the server. */
  | { kind: 'request'; message: ClientMessage }
  /** Lines the client answers with itself (help, usage errors), uncoloured. */
  | { kind: 'show'; lines: string[] }
  | { kind: 'quit'; reason: string }
  | { kind: 'nothing' };

type Parse = (args: string, currentRoom: string | undefined) => Action;

/**
 * The commands of the line door (docs/commands.md), read the same way: the names, aliases,
 * usages and help come from the server's own command modules, so the two cannot drift. What
 * differs is the result: a JSON request instead of a call into the chat.
 */
const PARSERS: ReadonlyArray<[names: string[], parse: Parse]> = [
  [['help', '?'], () => show(...helpLines())],
  [['nick'], (args) => oneWord(args, nick, (name) => request({ type: 'nick', nick: name }))],
  [
    ['join', 'j'],
    (args) => {
      const [room, rest] = firstWord(args);
      const [key, extra] = firstWord(rest);
      if (!room || extra.trim()) return usage(join);
      return request({
        type: 'join',
        room: room.startsWith('#') ? room : `#${room}`,
        ...(key ? { key } : {}),
      });
    },
  ],
  [
    ['part', 'leave'],
    (args, current) => {
      const [first, rest] = firstWord(args);
      const [room, reason] = first.startsWith('#') ? [first, rest] : [current, args];
      if (room === undefined) return noCurrentRoom();
      const trimmed = reason.trim();
      return request({ type: 'part', room, ...(trimmed ? { reason: trimmed } : {}) });
    },
  ],
  [['rooms', 'list'], (args) => roomsPage(args.trim())],
  [
    ['who', 'names'],
    (args, current) => {
      const [room, rest] = firstWord(args);
      if (rest.trim() || (room && !room.startsWith('#'))) return usage(who);
      const target = room || current;
      return target === undefined ? noCurrentRoom() : request({ type: 'members', room: target });
    },
  ],
  [
    ['msg', 'm', 'query', 'tell'],
    (args) => {
      const [to, text] = firstWord(args);
      if (!to || !text.trim()) return usage(msg);
      return { kind: 'send', to, text, action: false };
    },
  ],
  [
    ['me'],
    (args, current) => {
      if (!args.trim()) return usage(me);
      if (current === undefined) return noCurrentRoom();
      return { kind: 'send', to: current, text: args, action: true };
    },
  ],
  [
    ['topic'],
    (args, current) => {
      const [first, rest] = firstWord(args);
      const [room, text] = first.startsWith('#') ? [first, rest] : [current, args];
      if (room === undefined) return noCurrentRoom();
      const topic = text.trim();
      return request({ type: 'topic', room, ...(topic ? { topic } : {}) });
    },
  ],
  [['history', 'hist'], historyRequest],
  [
    ['search', 'find'],
    (args, current) => {
      const [first, rest] = firstWord(args);
      const [room, query] = first.startsWith('#') ? [first, rest] : [current, args];
      if (!query.trim()) return usage(search);
      if (room === undefined) return noCurrentRoom();
      return request({ type: 'search', room, query: query.trim() });
    },
  ],
  [
    ['resume'],
    (args) => {
      const [room, id, ...rest] = args.trim().split(/\s+/);
      if (!room?.startsWith('#') || !id || !/^\d{1,15}$/.test(id) || rest.length > 0) {
        return usage(resume);
      }
      return request({ type: 'resume', room, after: Number(id) });
    },
  ],
  [
    ['ids'],
    // Every message the client is sent carries its id; they are for catching up, not to read.
    () =>
      show(
        '*** This client keeps track of message ids itself (to catch up after a reconnect) and hides them.',
      ),
  ],
  [['quit', 'exit', 'bye'], (args) => ({ kind: 'quit', reason: args.trim() })],
];

const BY_NAME = new Map<string, Parse>();
for (const [names, parse] of PARSERS) for (const name of names) BY_NAME.set(name, parse);
// Moderation commands read their words into the very request the API takes.
for (const command of commandList()) {
  const read = command.request;
  if (!read) continue;
  const parse: Parse = (args, current) => {
    try {
      return request(read(args, current));
    } catch (problem) {
      if (problem instanceof ChatError) return error(problem.code, problem.message);
      throw problem;
    }
  };
  for (const name of [command.name, ...(command.aliases ?? [])]) BY_NAME.set(name, parse);
}

/**
 * Reads a line typed once registered: `/command args` runs a command, `//text` sends text
 * that starts with a slash, anything else is a message to the current room.
 */
export function parseInput(line: string, currentRoom: string | undefined): Action {
  if (!line.startsWith('/') || line.startsWith('//')) {
    // The line door ignores blank lines too: nobody means to send one.
    if (!line.trim()) return { kind: 'nothing' };
    if (currentRoom === undefined) return noCurrentRoom();
    const text = line.startsWith('//') ? line.slice(1) : line;
    return { kind: 'send', to: currentRoom, text, action: false };
  }
  const match = /^\/(\S*)\s?([\s\S]*)$/.exec(line)!;
  const name = match[1]!.toLowerCase();
  const parse = BY_NAME.get(name);
  if (!parse) return error('UNKNOWN_COMMAND', `Unknown command /${name}. Type /help for the list.`);
  return parse(match[2]!, currentRoom);
}

/** Whether a line, typed at any time, asks to leave. */
export function isQuit(line: string): boolean {
  return /^\/(quit|exit|bye)(\s|$)/i.test(line);
}

export function helpLines(): string[] {
  return [
    '*** Commands (a line without a leading / is a message to your current room):',
    ...commandHelp().map((command) => `***   ${command.usage.padEnd(38)} ${command.summary}`),
  ];
}

function roomsPage(wanted: string): Action {
  if (wanted !== '' && !/^[1-9]\d{0,8}$/.test(wanted)) return usage(rooms);
  const page = wanted === '' ? 1 : Number(wanted);
  return request({ type: 'rooms', offset: (page - 1) * MAX_ROOM_PAGE, limit: MAX_ROOM_PAGE });
}

// The line door's default page; the WebSocket API's own default is larger.
const HISTORY_PAGE = 20;

function historyRequest(args: string, current: string | undefined): Action {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const isNumber = (word: string | undefined) => word !== undefined && /^\d{1,15}$/.test(word);
  let target = current;
  let before: number | undefined;
  let limit = HISTORY_PAGE;
  if (words[0] !== undefined && !/^\d+$/.test(words[0]) && words[0].toLowerCase() !== 'before') {
    target = words.shift();
  }
  if (words[0]?.toLowerCase() === 'before') {
    words.shift();
    const id = words.shift();
    if (!isNumber(id)) return usage(history);
    before = Number(id);
  }
  if (words.length > 0) {
    const count = words.shift();
    if (!isNumber(count)) return usage(history);
    limit = Math.min(Number(count), 500);
  }
  if (words.length > 0 || limit === 0) return usage(history);
  if (target === undefined) return noCurrentRoom();
  return request({
    type: 'history',
    target,
    limit,
    ...(before === undefined ? {} : { before }),
  });
}

/** Commands that take exactly one word. */
function oneWord(args: string, command: Command, then: (word: string) => Action): Action {
  const [word, rest] = firstWord(args);
  return !word || rest.trim() ? usage(command) : then(word);
}

function request(message: ClientMessage): Action {
  return { kind: 'request', message };
}

function show(...lines: string[]): Action {
  return { kind: 'show', lines };
}

function error(code: ErrorCode, message: string): Action {
  return show(`!!! ${message} (${code})`);
}

function usage(command: Command): Action {
  return error('BAD_ARGUMENTS', `Usage: ${command.usage}`);
}

function noCurrentRoom(): Action {
  return error('NO_CURRENT_ROOM', 'You are not in any room: /join #room first.');
}
