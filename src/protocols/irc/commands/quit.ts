import type { IrcCommand } from './command.js';

export const quit: IrcCommand = {
  names: ['QUIT'],
  beforeRegistration: true,
  minParams: 0,
  run({ chat, member, session }, message) {
    const reason = message.params[0]?.trim() ?? '';
    session.setQuitMessage(reason ? `Quit: ${reason}` : 'Quit');
    if (!member.registered) {
      session.close('Quit');
      return;
    }
    chat.quit(member, reason);
  },
};
