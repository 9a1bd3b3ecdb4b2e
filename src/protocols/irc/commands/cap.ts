import { CAP_CAP_NOTIFY, CAPABILITIES, capNames } from '../caps.js';
import { ERR_INVALIDCAPCMD } from '../numerics.js';
import type { IrcCommand } from './command.js';

/**
 * Capability negotiation (IRCv3 CAP, version 302). Starting it before registration holds
 * registration until CAP END, so the client's requests apply from its first line on.
 */
export const cap: IrcCommand = {
  names: ['CAP'],
  beforeRegistration: true,
  minParams: 1,
  async run({ client, member, replies }, message) {
    const sub = message.params[0]!.toUpperCase();
    switch (sub) {
      case 'LS': {
        if (!member.registered) client.capHeld = true;
        // 302 clients get cap-notify implicitly (there is nothing to notify of: the set never
        // changes while the server runs).
        if (Number(message.params[1] ?? 0) >= 302) client.caps |= CAP_CAP_NOTIFY;
        // A CAP reply has a numeric's shape: the server, the nick, then the subcommand and text.
        replies.reply('CAP', 'LS', [...CAPABILITIES.keys()].join(' '));
        return;
      }
      case 'LIST':
        replies.reply('CAP', 'LIST', capNames(client.caps).join(' '));
        return;
      case 'REQ': {
        if (!member.registered) client.capHeld = true;
        const requested = message.params[1] ?? '';
        const changes = requested.split(' ').filter(Boolean);
        let add = 0;
        let remove = 0;
        for (const change of changes) {
          const off = change.startsWith('-');
          const bit = CAPABILITIES.get(off ? change.slice(1) : change);
          if (bit === undefined) {
            // All or nothing: one unknown capability refuses the whole request.
            replies.reply('CAP', 'NAK', requested);
            return;
          }
          if (off) remove |= bit;
          else add |= bit;
        }
        client.caps = (client.caps | add) & ~remove;
        replies.reply('CAP', 'ACK', requested);
        return;
      }
      case 'END':
        if (member.registered || !client.capHeld) return;
        client.capHeld = false;
        await client.tryRegister();
        return;
      default:
        replies.reply(ERR_INVALIDCAPCMD, sub, 'Invalid CAP command');
    }
  },
};
