import type { IrcCommand } from './command.js';

export const ping: IrcCommand = {
  names: ['PING'],
  beforeRegistration: true,
  minParams: 1,
  run({ session }, message) {
    const { host } = session.door;
    session.send({
      source: host,
      command: 'PONG',
      params: [host, message.params[0]!],
      trailing: true,
    });
  },
};
