import type { ClientMessage } from '../../src/protocols/ws/protocol.js';
import { SHARED_HELP, sharedRequest } from './shared-commands.js';

/** What a line typed in the composer asks for. */
export type Action =
  | { kind: 'send'; to: string; text: string; action: boolean }
  /** A request to the server; `to` names the conversation its answer belongs in. */
  | { kind: 'request'; message: ClientMessage }
  | { kind: 'open'; nick: string; text?: string }
  | { kind: 'close' }
  | { kind: 'older' }
  | { kind: 'help' }
  | { kind: 'error'; text: string };

export const HELP: ReadonlyArray<[string, string]> = [
  ['TEXT', 'send to this room or conversation (//TEXT sends text starting with /)'],
  ['/join #room [KEY]', 'join a room (created if new); KEY for a room with a key'],
  ['/part [#room] [REASON]', 'leave a room (this one by default)'],
  ['/me ACTION', 'describe what you are doing'],
  ['/msg NICK [TEXT]', 'open a private conversation (and send TEXT)'],
  ['/topic [TEXT]', 'show the topic, or set it'],
  ['/nick NEWNAME', 'change your nickname'],
  ['/invite NICK [#room]', 'invite someone (into an invite-only room, if you are an operator)'],
  ['/rooms', 'list every room'],
  ['/who [#room]', 'list who is in a room'],
  ['/search WORDS', 'find messages of this room containing all the words'],
  ['/history', 'load older messages'],
  ['/close', 'close this tab (leaving the room)'],
  ['/quit [REASON]', 'leave the chat'],
  ...SHARED_HELP,
  ['/help', 'this list'],
];

/**
 * Reads a composer line the way the terminal client does: `/command args`, `//text` for text
 * that starts with a slash, anything else is a message to the open conversation.
 */
export function parseInput(input: string, current: string | undefined): Action {
  if (!input.startsWith('/') || input.startsWith('//')) {
    if (current === undefined) return { kind: 'error', text: 'Join a room first: /join #room' };
    const text = input.startsWith('//') ? input.slice(1) : input;
    return { kind: 'send', to: current, text, action: false };
  }
  const match = /^\/(\S*)\s?([\s\S]*)$/.exec(input)!;
  const name = match[1]!.toLowerCase();
  const args = match[2]!;
  const [first = '', rest = ''] = splitFirst(args);
  const here = current?.startsWith('#') ? current : undefined;
  switch (name) {
    case 'join':
    case 'j': {
      if (!first) return usage('/join #room [KEY]');
      const room = first.startsWith('#') ? first : `#${first}`;
      const key = rest.trim();
      return request({ type: 'join', room, ...(key ? { key } : {}) });
    }
    case 'part':
    case 'leave': {
      const room = first.startsWith('#') ? first : here;
      const reason = (first.startsWith('#') ? rest : args).trim();
      if (!room) return usage('/part #room');
      return request({ type: 'part', room, ...(reason ? { reason } : {}) });
    }
    case 'me':
      if (!args.trim()) return usage('/me ACTION');
      if (current === undefined) return { kind: 'error', text: 'Join a room first: /join #room' };
      return { kind: 'send', to: current, text: args, action: true };
    case 'msg':
    case 'query':
    case 'm':
    case 'tell':
      if (!first) return usage('/msg NICK [TEXT]');
      if (first.startsWith('#')) {
        return rest.trim()
          ? { kind: 'send', to: first, text: rest, action: false }
          : usage('/msg #room TEXT');
      }
      return { kind: 'open', nick: first, ...(rest.trim() ? { text: rest } : {}) };
    case 'topic': {
      const room = first.startsWith('#') ? first : here;
      const text = (first.startsWith('#') ? rest : args).trim();
      if (!room) return usage('/topic #room [TEXT]');
      return request({ type: 'topic', room, ...(text ? { topic: text } : {}) });
    }
    case 'invite': {
      const room = rest.trim() || here;
      if (!first || !room) return usage('/invite NICK [#room]');
      return request({ type: 'invite', room, nick: first });
    }
    case 'nick':
      if (!first || rest.trim()) return usage('/nick NEWNAME');
      return request({ type: 'nick', nick: first });
    case 'rooms':
    case 'list':
      return request({ type: 'rooms' });
    case 'who':
    case 'names': {
      const room = first || here;
      if (!room) return usage('/who #room');
      return request({ type: 'members', room });
    }
    case 'search':
    case 'find':
      if (!here) return { kind: 'error', text: 'Search works in a room.' };
      if (!args.trim()) return usage('/search WORDS');
      return request({ type: 'search', room: here, query: args.trim() });
    case 'history':
      return { kind: 'older' };
    case 'close':
      return { kind: 'close' };
    case 'quit':
    case 'exit':
    case 'bye':
      return request({ type: 'quit', ...(args.trim() ? { reason: args.trim() } : {}) });
    case 'help':
    case '?':
      return { kind: 'help' };
    default: {
      const shared = sharedRequest(name, args, here);
      if (shared === undefined) {
        return { kind: 'error', text: `Unknown command /${name}. Type /help for the list.` };
      }
      return 'message' in shared
        ? request(shared.message)
        : { kind: 'error', text: shared.problem };
    }
  }
}

function request(message: ClientMessage): Action {
  return { kind: 'request', message };
}

function usage(text: string): Action {
  return { kind: 'error', text: `Usage: ${text}` };
}

function splitFirst(args: string): [string, string] {
  const trimmed = args.trimStart();
  const space = trimmed.search(/\s/);
  return space === -1 ? [trimmed, ''] : [trimmed.slice(0, space), trimmed.slice(space + 1)];
}
