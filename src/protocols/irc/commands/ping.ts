import type { IrcCommand } from './command.js';

export const ping: IrcCommand = {
  names: ['PING'],
  beforeRegistration: true,
  minParams: 1,
  run({ server, replies }, message) {
    const { host } = server;
    replies.send({
      source: host,
      command: 'PONG',
      params: [host, message.params[0]!],
      trailing: true,
    });
  },
};
