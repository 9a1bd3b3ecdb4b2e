import { MAX_AWAY_LENGTH, MAX_HISTORY_PAGE } from '../../core/chat.js';
import { CASEMAPPING, NICK_MAX_LENGTH, ROOM_MAX_LENGTH } from '../../core/names.js';
import { userSource } from './encode.js';
import {
  ERR_NOMOTD,
  RPL_CREATED,
  RPL_ENDOFMOTD,
  RPL_ISUPPORT,
  RPL_LUSERCHANNELS,
  RPL_LUSERCLIENT,
  RPL_LUSERME,
  RPL_LUSEROP,
  RPL_MOTD,
  RPL_MOTDSTART,
  RPL_MYINFO,
  RPL_WELCOME,
  RPL_YOURHOST,
} from './numerics.js';
import type { IrcDoor, IrcSession } from './session.js';

/** The user modes and channel modes this door has (004, CHANMODES, MODE). */
export const USER_MODES = 'i';
/** +n (no messages from outside) is how every room here works; it cannot be turned off. */
export const CHANNEL_MODES = 'n';
/** Targets one PRIVMSG or NOTICE may name. */
export const MAX_MESSAGE_TARGETS = 4;

/**
 * ISUPPORT (005): what this server is, honestly: the core's nickname and room rules, no
 * channel prefixes (nobody is an operator), one channel mode, history paging.
 */
export function isupportTokens(door: IrcDoor): string[] {
  return [
    `AWAYLEN=${MAX_AWAY_LENGTH}`,
    `CASEMAPPING=${CASEMAPPING}`,
    `CHANMODES=,,,${CHANNEL_MODES}`,
    `CHANNELLEN=${ROOM_MAX_LENGTH}`,
    'CHANTYPES=#',
    `CHATHISTORY=${MAX_HISTORY_PAGE}`,
    'MSGREFTYPES=timestamp,msgid',
    `NETWORK=${door.chat.serverName.replace(/[^A-Za-z0-9._-]/g, '-')}`,
    `NICKLEN=${NICK_MAX_LENGTH}`,
    'PREFIX=',
    `TARGMAX=JOIN:,PART:,NAMES:,LIST:,WHOIS:1,PRIVMSG:${MAX_MESSAGE_TARGETS},NOTICE:${MAX_MESSAGE_TARGETS}`,
    `TOPICLEN=${door.chat.maxTopicLength}`,
    'UTF8ONLY',
  ];
}

/** 001 to 005, LUSERS and the MOTD: what a client waits for before it does anything. */
export function sendWelcome(session: IrcSession): void {
  const { door } = session;
  const { serverName, version } = door.options;
  session.reply(
    RPL_WELCOME,
    `Welcome to the ${door.chat.serverName} IRC network, ${userSource(session.nick, door.host)}`,
  );
  session.reply(RPL_YOURHOST, `Your host is ${serverName}, running version ${version}`);
  session.reply(RPL_CREATED, `This server was created ${door.startedAt.toUTCString()}`);
  session.replyPlain(RPL_MYINFO, serverName, version, USER_MODES, CHANNEL_MODES);
  const tokens = isupportTokens(door);
  // Few enough per line that the line stays well within 512 bytes.
  for (let i = 0; i < tokens.length; i += 10) {
    session.reply(RPL_ISUPPORT, ...tokens.slice(i, i + 10), 'are supported by this server');
  }
  sendLusers(session);
  sendMotd(session);
}

export function sendLusers(session: IrcSession): void {
  const { chat, invisibleCount } = session.door;
  const users = chat.userCount;
  session.reply(
    RPL_LUSERCLIENT,
    `There are ${users - invisibleCount} users and ${invisibleCount} invisible on 1 servers`,
  );
  session.reply(RPL_LUSEROP, '0', 'operator(s) online');
  session.reply(RPL_LUSERCHANNELS, String(chat.roomCount), 'channels formed');
  session.reply(RPL_LUSERME, `I have ${chat.memberCount} clients and 0 servers`);
}

export function sendMotd(session: IrcSession): void {
  const { motd, serverName } = session.door.options;
  if (motd.length === 0) {
    session.reply(ERR_NOMOTD, 'MOTD File is missing');
    return;
  }
  session.reply(RPL_MOTDSTART, `- ${serverName} Message of the day - `);
  for (const line of motd) session.reply(RPL_MOTD, `- ${line}`);
  session.reply(RPL_ENDOFMOTD, 'End of /MOTD command.');
}
