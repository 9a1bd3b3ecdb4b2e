import { RPL_ENDOFINFO, RPL_INFO } from '../numerics.js';
import type { IrcCommand } from './command.js';

/** INFO [server]: what this server is, and since when it runs. */
export const info: IrcCommand = {
  names: ['INFO'],
  minParams: 0,
  run({ server, replies }) {
    for (const line of [
      `${server.version}: a chat server whose rooms IRC, web, line and framed clients share.`,
      'Every message is stored before anyone receives it; draft/chathistory pages back.',
      `Running since ${server.startedAt.toUTCString()}.`,
    ]) {
      replies.reply(RPL_INFO, line);
    }
    replies.reply(RPL_ENDOFINFO, 'End of INFO list');
  },
};
