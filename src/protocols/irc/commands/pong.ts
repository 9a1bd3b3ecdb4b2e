import type { IrcCommand } from './command.js';

/** Any line proves the client alive (the session notes it); a PONG needs nothing more. */
export const pong: IrcCommand = {
  names: ['PONG'],
  beforeRegistration: true,
  minParams: 0,
  run() {},
};
