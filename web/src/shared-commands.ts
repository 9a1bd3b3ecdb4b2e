import type { Command } from '../../src/core/commands/command.js';
import { deoper } from '../../src/core/commands/deoper.js';
import { kick } from '../../src/core/commands/kick.js';
import { kill } from '../../src/core/commands/kill.js';
import { kline } from '../../src/core/commands/kline.js';
import { klines } from '../../src/core/commands/klines.js';
import { mode } from '../../src/core/commands/mode.js';
import { modlog } from '../../src/core/commands/modlog.js';
import { oper } from '../../src/core/commands/oper.js';
import { deop, devoice, op, voice } from '../../src/core/commands/roles.js';
import { ban, mute, unban, unmute } from '../../src/core/commands/sanction.js';
import { bans, mutes } from '../../src/core/commands/sanction-lists.js';
import { unkline } from '../../src/core/commands/unkline.js';
import { wallops } from '../../src/core/commands/wallops.js';
import { ChatError } from '../../src/core/errors.js';
import type { ClientMessage } from '../../src/protocols/ws/protocol.js';

/**
 * The moderation and server operators' commands, for those who would rather type them than
 * use the menus: read by the very parsers the text doors and the terminal client use, into
 * the WebSocket requests they stand for, so every client takes the same words.
 */
const SHARED: readonly Command[] = [
  kick,
  ban,
  unban,
  mute,
  unmute,
  bans,
  mutes,
  op,
  deop,
  voice,
  devoice,
  mode,
  modlog,
  oper,
  deoper,
  kill,
  wallops,
  kline,
  unkline,
  klines,
];

const BY_NAME = new Map<string, Command>();
for (const command of SHARED) {
  for (const name of [command.name, ...(command.aliases ?? [])]) BY_NAME.set(name, command);
}

export const SHARED_HELP: ReadonlyArray<[string, string]> = SHARED.map((command) => [
  command.usage,
  command.summary,
]);

/** The request `/name args` makes, or what is wrong with it; undefined for no such command. */
export function sharedRequest(
  name: string,
  args: string,
  currentRoom: string | undefined,
): { message: ClientMessage } | { problem: string } | undefined {
  const read = BY_NAME.get(name)?.request;
  if (!read) return undefined;
  try {
    return { message: read(args, currentRoom) };
  } catch (problem) {
    if (problem instanceof ChatError) return { problem: problem.message };
    throw problem;
  }
}
