import type { IrcMessage } from '../message.js';
import { ERR_NEEDMOREPARAMS, ERR_NOTREGISTERED, ERR_UNKNOWNCOMMAND } from '../numerics.js';
import { away } from './away.js';
import { cap } from './cap.js';
import { chathistory } from './chathistory.js';
import type { IrcCommand } from './command.js';
import { info } from './info.js';
import { invite } from './invite.js';
import { join } from './join.js';
import { kick } from './kick.js';
import { kill } from './kill.js';
import { kline, unkline } from './kline.js';
import { list } from './list.js';
import { lusers } from './lusers.js';
import { mode } from './mode.js';
import { borrowedModeration } from './moderation-commands.js';
import { motd } from './motd.js';
import { names } from './names.js';
import { nick } from './nick.js';
import { oper } from './oper.js';
import { part } from './part.js';
import { pass } from './pass.js';
import { ping } from './ping.js';
import { pong } from './pong.js';
import { privmsg } from './privmsg.js';
import { quit } from './quit.js';
import { stats } from './stats.js';
import { tagmsg } from './tagmsg.js';
import { time } from './time.js';
import { topic } from './topic.js';
import { user } from './user.js';
import { wallops } from './wallops.js';
import { who } from './who.js';
import { whois } from './whois.js';
import { whowas } from './whowas.js';

const COMMANDS: readonly IrcCommand[] = [
  cap,
  pass,
  nick,
  user,
  ping,
  pong,
  quit,
  join,
  part,
  privmsg,
  tagmsg,
  topic,
  names,
  list,
  who,
  whois,
  whowas,
  mode,
  kick,
  invite,
  ...borrowedModeration,
  oper,
  kill,
  wallops,
  kline,
  unkline,
  stats,
  away,
  motd,
  lusers,
  time,
  info,
  chathistory,
];

/** Every command this door knows, by upper-case name; anything else gets 421. */
export const IRC_COMMANDS: ReadonlyMap<string, IrcCommand> = new Map(
  COMMANDS.flatMap((command) => command.names.map((name) => [name, command] as const)),
);

/** Why a command cannot run now, as the numeric and params to reply with. */
export function refusal(
  message: IrcMessage,
  registered: boolean,
): [string, ...string[]] | undefined {
  const command = IRC_COMMANDS.get(message.command);
  if (!command) {
    return registered
      ? [ERR_UNKNOWNCOMMAND, message.command, 'Unknown command']
      : [ERR_NOTREGISTERED, 'You have not registered'];
  }
  if (!command.beforeRegistration && !registered) {
    return [ERR_NOTREGISTERED, 'You have not registered'];
  }
  if (message.params.length < command.minParams) {
    return [ERR_NEEDMOREPARAMS, message.command, 'Not enough parameters'];
  }
  return undefined;
}
