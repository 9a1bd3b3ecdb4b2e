import { type Chat, MAX_AWAY_LENGTH, MAX_HISTORY_PAGE } from '../../core/chat.js';
import { CASEMAPPING, NICK_MAX_LENGTH, ROOM_MAX_LENGTH } from '../../core/names.js';
import type { IrcContext } from './commands/command.js';
import { MAX_MODE_PARAMS } from './commands/mode.js';
import { knownUser, userMask } from './identity.js';
import {
  ERR_NOMOTD,
  RPL_CREATED,
  RPL_ENDOFMOTD,
  RPL_GLOBALUSERS,
  RPL_ISUPPORT,
  RPL_LOCALUSERS,
  RPL_LUSERCHANNELS,
  RPL_LUSERCLIENT,
  RPL_LUSERME,
  RPL_LUSEROP,
  RPL_LUSERUNKNOWN,
  RPL_MOTD,
  RPL_MOTDSTART,
  RPL_MYINFO,
  RPL_WELCOME,
  RPL_YOURHOST,
} from './numerics.js';

/** The user modes and channel modes this door has (004, CHANMODES, MODE). */
export const USER_MODES = 'iow';
/** Every channel mode letter (004): roles q o v, list b, with parameters k l, flags imnst. */
export const CHANNEL_MODES = 'biklmnostv';
/** Targets one PRIVMSG or NOTICE may name. */
export const MAX_MESSAGE_TARGETS = 4;

/**
 * ISUPPORT (005): what this server is: the core's nickname and room rules, the roles as
 * prefixes, the channel modes (mutes are InspIRCd's extban m: on the ban list), history paging.
 */
export function isupportTokens(chat: Chat): string[] {
  return [
    `AWAYLEN=${MAX_AWAY_LENGTH}`,
    `CASEMAPPING=${CASEMAPPING}`,
    'CHANMODES=b,k,l,imnst',
    `CHANNELLEN=${ROOM_MAX_LENGTH}`,
    'CHANTYPES=#',
    `CHATHISTORY=${MAX_HISTORY_PAGE}`,
    'EXTBAN=,m',
    'MSGREFTYPES=timestamp,msgid',
    `MODES=${MAX_MODE_PARAMS}`,
    `NETWORK=${chat.serverName.replace(/[^A-Za-z0-9._-]/g, '-')}`,
    `NICKLEN=${NICK_MAX_LENGTH}`,
    'PREFIX=(ov)@+',
    `TARGMAX=JOIN:,PART:,NAMES:,LIST:,WHOIS:1,PRIVMSG:${MAX_MESSAGE_TARGETS},NOTICE:${MAX_MESSAGE_TARGETS}`,
    `TOPICLEN=${chat.maxTopicLength}`,
    'UTF8ONLY',
  ];
}

/** 001 to 005, LUSERS and the MOTD: what a client waits for before it does anything. */
type Welcoming = Pick<IrcContext, 'chat' | 'server' | 'replies'>;

export function sendWelcome(context: Welcoming): void {
  const { chat, server, replies } = context;
  replies.reply(
    RPL_WELCOME,
    `Welcome to the ${chat.serverName} IRC network, ${userMask(replies.nick, knownUser(chat, replies.nick))}`,
  );
  replies.reply(RPL_YOURHOST, `Your host is ${server.host}, running version ${server.version}`);
  replies.reply(RPL_CREATED, `This server was created ${server.startedAt.toUTCString()}`);
  replies.replyPlain(RPL_MYINFO, server.host, server.version, USER_MODES, CHANNEL_MODES, 'bklov');
  const tokens = isupportTokens(chat);
  // Few enough per line that the line stays well within 512 bytes.
  for (let i = 0; i < tokens.length; i += 10) {
    replies.reply(RPL_ISUPPORT, ...tokens.slice(i, i + 10), 'are supported by this server');
  }
  sendLusers(context);
  sendMotd(context);
}

export function sendLusers({ chat, server, replies }: Welcoming): void {
  const users = chat.userCount;
  const invisible = server.invisibleCount;
  replies.reply(
    RPL_LUSERCLIENT,
    `There are ${users - invisible} users and ${invisible} invisible on 1 servers`,
  );
  // Operators connected to this node (a cluster's others are not counted).
  replies.reply(RPL_LUSEROP, String(chat.operators.count), 'operator(s) online');
  const { local, localPeak, global, globalPeak } = chat.userCounts();
  // Connections still without a nickname are counted apart, never as clients: 255 and 265
  // must agree (modern.ircdocs.horse; irctest's LUSERS tests compare them).
  const unregistered = chat.memberCount - local;
  if (unregistered > 0)
    replies.reply(RPL_LUSERUNKNOWN, String(unregistered), 'unknown connection(s)');
  replies.reply(RPL_LUSERCHANNELS, String(chat.roomCount), 'channels formed');
  replies.reply(RPL_LUSERME, `I have ${local} clients and 0 servers`);
  replies.reply(
    RPL_LOCALUSERS,
    String(local),
    String(localPeak),
    `Current local users ${local}, max ${localPeak}`,
  );
  replies.reply(
    RPL_GLOBALUSERS,
    String(global),
    String(globalPeak),
    `Current global users ${global}, max ${globalPeak}`,
  );
}

export function sendMotd({ server, replies }: Welcoming): void {
  if (server.motd.length === 0) {
    replies.reply(ERR_NOMOTD, 'MOTD File is missing');
    return;
  }
  replies.reply(RPL_MOTDSTART, `- ${server.host} Message of the day - `);
  for (const line of server.motd) replies.reply(RPL_MOTD, `- ${line}`);
  replies.reply(RPL_ENDOFMOTD, 'End of /MOTD command.');
}
