import { RPL_TIME } from '../numerics.js';
import type { IrcCommand } from './command.js';

/** TIME [server]: the server's clock, as a Unix timestamp and in words (there is one server). */
export const time: IrcCommand = {
  names: ['TIME'],
  minParams: 0,
  run({ server, replies }) {
    const now = new Date();
    replies.reply(
      RPL_TIME,
      server.host,
      String(Math.floor(now.getTime() / 1000)),
      '0',
      now.toUTCString(),
    );
  },
};
