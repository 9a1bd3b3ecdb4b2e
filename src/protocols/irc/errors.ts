import type { ChatError, ErrorCode } from '../../core/errors.js';
import {
  ERR_BADCHANNELKEY,
  ERR_BANLISTFULL,
  ERR_BANNEDFROMCHAN,
  ERR_CANNOTSENDTOCHAN,
  ERR_CHANNELISFULL,
  ERR_CHANOPRIVSNEEDED,
  ERR_ERRONEUSNICKNAME,
  ERR_INVALIDMODEPARAM,
  ERR_INVITEONLYCHAN,
  ERR_KEYSET,
  ERR_NICKNAMEINUSE,
  ERR_NICKTOOFAST,
  ERR_NOOPERHOST,
  ERR_NOPRIVILEGES,
  ERR_NOSUCHCHANNEL,
  ERR_NOSUCHNICK,
  ERR_NOTONCHANNEL,
  ERR_PASSWDMISMATCH,
  ERR_TOOMANYCHANNELS,
  ERR_UNAVAILRESOURCE,
  ERR_UNKNOWNERROR,
  ERR_UNKNOWNMODE,
  ERR_USERNOTINCHANNEL,
  ERR_USERONCHANNEL,
  ERR_YOUREBANNEDCREEP,
} from './numerics.js';

/**
 * The numeric IRC clients know for each core error, about its subject (a nick, a channel),
 * with the text they expect; undefined text means the core's own message, which says how long
 * to wait or why. A code not listed is ERR_UNKNOWNERROR about the command, with the message.
 */
const NUMERICS: Partial<Record<ErrorCode, { numeric: string; text?: string }>> = {
  NICK_INVALID: { numeric: ERR_ERRONEUSNICKNAME, text: 'Erroneous nickname' },
  NICK_TAKEN: { numeric: ERR_NICKNAMEINUSE, text: 'Nickname is already in use' },
  NICK_UNAVAILABLE: {
    numeric: ERR_UNAVAILRESOURCE,
    text: 'Nick/channel is temporarily unavailable',
  },
  NO_SUCH_NICK: { numeric: ERR_NOSUCHNICK, text: 'No such nick/channel' },
  ROOM_INVALID: { numeric: ERR_NOSUCHCHANNEL, text: 'No such channel' },
  NO_SUCH_ROOM: { numeric: ERR_NOSUCHCHANNEL, text: 'No such channel' },
  NOT_IN_ROOM: { numeric: ERR_NOTONCHANNEL, text: "You're not on that channel" },
  // The numerics clients show for "no more channels" and "nick change too fast".
  ROOM_RATE_LIMIT: { numeric: ERR_TOOMANYCHANNELS },
  ROOM_LIMIT: { numeric: ERR_TOOMANYCHANNELS },
  NICK_RATE_LIMIT: { numeric: ERR_NICKTOOFAST },
  // Moderation: the params are the error's subjects (room; nick and room; room, letter and
  // parameter), as each numeric names them.
  // The core's words, which say why: not an operator, or an operator acting above their rank
  // (deopping the owner, naming owners), whom "You're not channel operator" would mislead.
  NOT_ROOM_OPERATOR: { numeric: ERR_CHANOPRIVSNEEDED },
  CANNOT_SEND: { numeric: ERR_CANNOTSENDTOCHAN },
  BANNED_FROM_ROOM: { numeric: ERR_BANNEDFROMCHAN },
  INVITE_ONLY: { numeric: ERR_INVITEONLYCHAN, text: 'Cannot join channel (+i)' },
  BAD_ROOM_KEY: { numeric: ERR_BADCHANNELKEY, text: 'Cannot join channel (+k)' },
  ROOM_FULL: { numeric: ERR_CHANNELISFULL, text: 'Cannot join channel (+l)' },
  UNKNOWN_MODE: { numeric: ERR_UNKNOWNMODE, text: 'is unknown mode char to me' },
  BAD_MODE_PARAM: { numeric: ERR_INVALIDMODEPARAM },
  KEY_SET: { numeric: ERR_KEYSET, text: 'Channel key already set' },
  LIST_FULL: { numeric: ERR_BANLISTFULL, text: 'Channel ban list is full' },
  USER_NOT_IN_ROOM: { numeric: ERR_USERNOTINCHANNEL, text: "They aren't on that channel" },
  ALREADY_IN_ROOM: { numeric: ERR_USERONCHANNEL, text: 'is already on channel' },
  // Server operators: these name nothing (the errors' `about` is empty).
  NOT_SERVER_OPERATOR: {
    numeric: ERR_NOPRIVILEGES,
    text: "Permission Denied- You're not an IRC operator",
  },
  OPER_FAILED: { numeric: ERR_PASSWDMISMATCH, text: 'Password incorrect' },
  OPER_HOST: { numeric: ERR_NOOPERHOST, text: 'No O-lines for your host' },
  BANNED_FROM_SERVER: { numeric: ERR_YOUREBANNEDCREEP, text: 'You are banned from this server' },
};

/** How an internal failure reads on IRC: no detail. */
const INTERNAL_ERROR_TEXT = 'Internal error';

/**
 * A subject as a middle parameter, which cannot be empty, hold spaces or start with ':'.
 * Subjects echo what the client sent (a mask, a key): unmended, the reply could not be
 * encoded and the client would hear nothing.
 */
function middleParam(subject: string): string {
  const mended = subject.replace(/[\s\0]/g, '_');
  return mended === '' || mended.startsWith(':') ? '*' : mended;
}

/** The reply to an error caused by `command` about `subject`: a numeric and its params. */
export function errorReply(
  error: ChatError,
  command: string,
  subject = '*',
): { numeric: string; params: string[] } {
  const known = NUMERICS[error.code];
  if (known) {
    const about = (error.about ?? [subject]).map(middleParam);
    return { numeric: known.numeric, params: [...about, known.text ?? error.message] };
  }
  const text = error.code === 'INTERNAL_ERROR' ? INTERNAL_ERROR_TEXT : error.message;
  return { numeric: ERR_UNKNOWNERROR, params: [command, text] };
}
