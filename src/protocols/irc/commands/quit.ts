import type { IrcCommand } from './command.js';

export const quit: IrcCommand = {
  names: ['QUIT'],
  beforeRegistration: true,
  minParams: 0,
  run({ chat, member, client }, message) {
    const reason = message.params[0]?.trim() ?? '';
    client.setQuitMessage(reason ? `Quit: ${reason}` : 'Quit');
    if (!member.registered) {
      client.close('Quit');
      return;
    }
    chat.quit(member, reason);
  },
};
