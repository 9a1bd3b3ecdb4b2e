import { ChatError } from '../errors.js';
import type { CommandHelp } from '../events.js';
import type { Command, CommandContext } from './command.js';
import { deoper } from './deoper.js';
import { helpCommand } from './help.js';
import { history } from './history.js';
import { ids } from './ids.js';
import { invite } from './invite.js';
import { join } from './join.js';
import { kick } from './kick.js';
import { kill } from './kill.js';
import { kline } from './kline.js';
import { klines } from './klines.js';
import { me } from './me.js';
import { mode } from './mode.js';
import { modlog } from './modlog.js';
import { msg } from './msg.js';
import { nick } from './nick.js';
import { oper } from './oper.js';
import { part } from './part.js';
import { quit } from './quit.js';
import { resume } from './resume.js';
import { deop, devoice, op, voice } from './roles.js';
import { rooms } from './rooms.js';
import { ban, mute, unban, unmute } from './sanction.js';
import { bans, mutes } from './sanction-lists.js';
import { search } from './search.js';
import { topic } from './topic.js';
import { unkline } from './unkline.js';
import { wallops } from './wallops.js';
import { who } from './who.js';

const COMMANDS: readonly Command[] = [
  helpCommand(commandHelp),
  nick,
  join,
  part,
  rooms,
  who,
  msg,
  me,
  topic,
  history,
  search,
  resume,
  ids,
  mode,
  op,
  deop,
  voice,
  devoice,
  kick,
  ban,
  unban,
  mute,
  unmute,
  bans,
  mutes,
  invite,
  modlog,
  oper,
  deoper,
  kill,
  wallops,
  kline,
  unkline,
  klines,
  quit,
];

const BY_NAME = new Map<string, Command>();
for (const command of COMMANDS) {
  for (const name of [command.name, ...(command.aliases ?? [])]) BY_NAME.set(name, command);
}

/** Every text command, in the order /help lists them. */
export function commandList(): readonly Command[] {
  return COMMANDS;
}

export function commandHelp(): CommandHelp[] {
  return COMMANDS.map(({ usage, summary }) => ({ usage, summary }));
}

/**
 * What a text door does with one line of user input: `/command args` runs a command,
 * `//text` sends text that starts with a slash, anything else goes to the current room.
 */
export async function runInput(context: CommandContext, input: string): Promise<void> {
  if (!input.startsWith('/') || input.startsWith('//')) {
    await context.chat.say(context.member, input.startsWith('//') ? input.slice(1) : input);
    return;
  }
  const match = /^\/(\S*)\s?([\s\S]*)$/.exec(input)!;
  const name = match[1]!.toLowerCase();
  const command = BY_NAME.get(name);
  if (!command) {
    throw new ChatError('UNKNOWN_COMMAND', `Unknown command /${name}. Type /help for the list.`);
  }
  await command.run(context, match[2]!);
}
