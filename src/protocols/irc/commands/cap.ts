import { CAP_CAP_NOTIFY, CAPABILITIES, capNames } from '../caps.js';
import { ERR_INVALIDCAPCMD } from '../numerics.js';
import type { IrcCommand, IrcContext } from './command.js';

/**
 * Capability negotiation (IRCv3 CAP, version 302). Starting it before registration holds
 * registration until CAP END, so the client's requests apply from its first line on.
 */
export const cap: IrcCommand = {
  names: ['CAP'],
  beforeRegistration: true,
  minParams: 1,
  async run({ session, member }, message) {
    const sub = message.params[0]!.toUpperCase();
    switch (sub) {
      case 'LS': {
        if (!member.registered) session.capHeld = true;
        // 302 clients get cap-notify implicitly (there is nothing to notify of: the set never
        // changes while the server runs).
        if (Number(message.params[1] ?? 0) >= 302) session.caps |= CAP_CAP_NOTIFY;
        reply(session, 'LS', [...CAPABILITIES.keys()].join(' '));
        return;
      }
      case 'LIST':
        reply(session, 'LIST', capNames(session.caps).join(' '));
        return;
      case 'REQ': {
        if (!member.registered) session.capHeld = true;
        const requested = message.params[1] ?? '';
        const changes = requested.split(' ').filter(Boolean);
        let add = 0;
        let remove = 0;
        for (const change of changes) {
          const off = change.startsWith('-');
          const bit = CAPABILITIES.get(off ? change.slice(1) : change);
          if (bit === undefined) {
            // All or nothing: one unknown capability refuses the whole request.
            reply(session, 'NAK', requested);
            return;
          }
          if (off) remove |= bit;
          else add |= bit;
        }
        session.caps = (session.caps | add) & ~remove;
        reply(session, 'ACK', requested);
        return;
      }
      case 'END':
        if (member.registered || !session.capHeld) return;
        session.capHeld = false;
        await session.tryRegister();
        return;
      default:
        session.reply(ERR_INVALIDCAPCMD, sub, 'Invalid CAP command');
    }
  },
};

function reply(session: IrcContext['session'], sub: string, text: string): void {
  session.send({
    source: session.door.host,
    command: 'CAP',
    params: [session.nick, sub, text],
    trailing: true,
  });
}
