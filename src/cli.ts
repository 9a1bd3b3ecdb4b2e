#!/usr/bin/env -S node --max-semi-space-size=8
import { parseArgs } from 'node:util';
import { runClient } from './client/client.js';
import { ClusterStartError } from './cluster/cluster.js';
import { SETTINGS } from './config/settings.js';
import { createLogger } from './log.js';
import { DoorsUnavailableError } from './net/listener.js';
import {
  HASH_PASSWORD_HELP,
  hashPasswordCommand,
  PasswordInputError,
} from './operators/hash-password-command.js';
import { parseServeArgs, SERVE_HELP, UsageError } from './serve-options.js';
import { DEFAULTS, startServer } from './server.js';
import { StoreOpenError } from './store/migrations.js';

const MAIN_HELP = `chatroom: a chat server with several front doors onto the same rooms, and its terminal client.

Usage:
  chatroom serve [options]                     run the server
  chatroom connect [HOST] [PORT] --nick NAME   chat from this terminal
  chatroom hash-password                       hash a server operator's password (read from
                                               standard input, not shown) for the config file
  chatroom --help                              this text
  chatroom COMMAND --help                      every option of serve or connect

Quick start:
  chatroom serve                 # line door on 127.0.0.1:${DEFAULTS.linePort}, framed on :${DEFAULTS.framedPort}, IRC on :${DEFAULTS.ircPort},
                                 # web client and WebSocket API on http://127.0.0.1:${DEFAULTS.httpPort}/
  chatroom connect --nick alice  # in another terminal, through the HTTP door (or: nc 127.0.0.1 ${DEFAULTS.linePort})
`;

const CONNECT_HELP = `Usage: chatroom connect [HOST] [PORT] --nick NAME

Chats from this terminal through the server's WebSocket API (ws://HOST:PORT/ws, the same
HTTP door as the web client). Incoming messages never garble the line you are typing; the
prompt shows your current room. If the server goes away, the client says so, reconnects with
growing pauses (1 s up to 30 s), rejoins your rooms, shows once what was said in them while
you were away, and sends again what you had sent that the server had not acknowledged (it
stores each message once). /help lists the commands. /quit, Ctrl-D or Ctrl-C exits.

Arguments:
  HOST                   server address (default ${DEFAULTS.host})
  PORT                   its HTTP port, chatroom serve's --http-port (default ${DEFAULTS.httpPort});
                         not the line door's (${DEFAULTS.linePort}), which the client used to speak

Options:
  -n, --nick NAME        your nickname (asked for if missing)
  --no-color             plain output (also when NO_COLOR is set or output is not a terminal)
  -h, --help             this text
`;

/** A problem with the machine rather than the command line: reported plainly, exit 1. */
class StartupError extends Error {}

async function serve(args: string[]): Promise<void> {
  const command = parseServeArgs(args, process.env);
  if (command.help) {
    process.stdout.write(SERVE_HELP);
    return;
  }
  const log = createLogger(command.logLevel);
  const server = await startServer({ ...command.config, log }).catch((error: unknown) => {
    if (error instanceof DoorsUnavailableError) throw new UsageError(error.message);
    if (error instanceof StoreOpenError) throw new StartupError(error.message);
    if (error instanceof ClusterStartError) throw new StartupError(error.message);
    throw error;
  });
  // Handlers go in before the doors are announced: whoever reads that line may signal at once.
  let signals = 0;
  const shutdown = (signal: string) => {
    signals += 1;
    if (signals > 1) process.exit(1);
    log.info({ event: 'signal', signal }, 'shutting down');
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  for (const door of server.doors) {
    process.stdout.write(`${door.door} listening on ${door.host}:${door.port}\n`);
  }
}
async function connect(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      nick: { type: 'string', short: 'n' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(CONNECT_HELP);
    return;
  }
  if (positionals.length > 2) throw new UsageError('connect takes at most HOST and PORT');
  const port = positionals[1] === undefined ? SETTINGS.httpPort.default : Number(positionals[1]);
  if (!/^\d+$/.test(positionals[1] ?? '1') || port < 1 || port > 65535) {
    throw new UsageError('PORT must be a port number (1-65535)');
  }
  const code = await runClient({
    host: positionals[0] ?? DEFAULTS.host,
    port,
    nick: values.nick,
    color: !values['no-color'] && !process.env.NO_COLOR && process.stdout.isTTY === true,
  });
  process.exit(code);
}

async function hashPasswordCli(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(HASH_PASSWORD_HELP);
    return;
  }
  try {
    await hashPasswordCommand(process);
  } catch (error) {
    if (error instanceof PasswordInputError) throw new StartupError(error.message);
    throw error;
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'connect':
      return connect(rest);
    case 'hash-password':
      return hashPasswordCli(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(MAIN_HELP);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage =
    error instanceof UsageError ||
    (error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS'));
  if (usage) {
    process.stderr.write(`chatroom: ${(error as Error).message}\nTry "chatroom --help".\n`);
    process.exit(2);
  }
  if (error instanceof StartupError) {
    process.stderr.write(`chatroom: ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `chatroom: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
