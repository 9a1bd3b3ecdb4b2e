import type { SayOptions } from '../../../core/messaging.js';
import { CAP_MESSAGE_TAGS } from '../caps.js';
import { clientTagsOf } from '../client-tags.js';
import {
  ERR_CANNOTSENDTOCHAN,
  ERR_NORECIPIENT,
  ERR_NOSUCHNICK,
  ERR_NOTEXTTOSEND,
  ERR_TOOMANYTARGETS,
  RPL_AWAY,
} from '../numerics.js';
import { MAX_MESSAGE_TARGETS } from '../welcome.js';
import { type IrcCommand, list } from './command.js';

/** \x01ACTION text\x01 is /me; the closing \x01 is optional in practice. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: CTCP is delimited by \x01
const ACTION = /^\x01ACTION (.*?)\x01?$/s;

/**
 * PRIVMSG and NOTICE to channels and nicknames. A NOTICE never gets an error back (RFC 2812,
 * 3.3.2); it reaches IRC clients as a NOTICE while it is live, and everyone else (and later
 * replays) as an ordinary message: the store keeps one kind. The sender's client tags
 * (message-tags) go with it to the clients that take them.
 */
export const privmsg: IrcCommand = {
  names: ['PRIVMSG', 'NOTICE'],
  minParams: 0,
  // Not async: it runs for every chat message, and only the sends need waiting for.
  run({ chat, member, client, replies }, message) {
    const command = message.command;
    const quiet = command === 'NOTICE';
    const say = (numeric: string, ...params: string[]) => {
      if (!quiet) replies.reply(numeric, ...params);
    };
    const targetList = message.params[0];
    const text = message.params[1];
    if (targetList === undefined || targetList === '') {
      say(ERR_NORECIPIENT, `No recipient given (${command})`);
      return;
    }
    if (text === undefined || text === '') {
      say(ERR_NOTEXTTOSEND, 'No text to send');
      return;
    }
    const targets = targetList.includes(',') ? list(targetList) : [targetList];
    if (targets.length > MAX_MESSAGE_TARGETS) {
      say(ERR_TOOMANYTARGETS, targetList, `Too many targets (at most ${MAX_MESSAGE_TARGETS})`);
      return;
    }
    const action = ACTION.exec(text);
    // Other CTCP (VERSION, PING, and every reply to one) only makes sense between IRC clients.
    // Relayed, a reply would reach the other side as a new request, answered in turn: a loop.
    if (!action && text.startsWith('\x01')) return;
    const body = action ? action[1]! : text;
    const tags = client.has(CAP_MESSAGE_TAGS) ? clientTagsOf(message) : undefined;
    const sends: Promise<unknown>[] = [];
    for (const target of targets) {
      if (target.startsWith('#')) {
        const room = chat.findRoom(target);
        if (!room) say(ERR_NOSUCHNICK, target, 'No such nick/channel');
        // +n (no outside messages) keeps out those not in the channel; -n lets them send.
        else if (room.mod.modes.noOutside && !chat.isIn(member, room.name))
          say(ERR_CANNOTSENDTOCHAN, room.name, 'Cannot send to channel');
        else {
          const options: SayOptions = { room: room.name, action: action !== null, notice: quiet };
          if (tags) options.tags = tags;
          sends.push(chat.say(member, body, options));
        }
        continue;
      }
      const recipient = chat.describe(target);
      if (!recipient) {
        say(ERR_NOSUCHNICK, target, 'No such nick/channel');
        continue;
      }
      if (recipient.away !== undefined) say(RPL_AWAY, recipient.nick, recipient.away);
      sends.push(
        chat.privateMessage(member, recipient.nick, body, action !== null, undefined, tags, quiet),
      );
    }
    // Each target's failure is its own: the others still get the message.
    const failed = (error: unknown) => replies.reportError(error, command);
    if (sends.length === 1) return sends[0]!.then(noop, failed);
    if (sends.length > 1) {
      return Promise.allSettled(sends).then((results) => {
        for (const result of results) if (result.status === 'rejected') failed(result.reason);
      });
    }
  },
};

function noop(): void {}
