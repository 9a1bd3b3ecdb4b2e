/*
 * The IRC door's answers to a client in poor health: lines the decoder refused, and a client
 * gone silent.
 */
import { FLOOD_BYTES, type IrcInput } from './decoder.js';
import { ERR_INPUTTOOLONG, ERR_UNKNOWNCOMMAND, ERR_UNKNOWNERROR } from './numerics.js';
import type { IrcOutput } from './output.js';

/**
 * Answers a line the decoder refused. Nothing answers a NOTICE, not even about its line
 * (RFC 2812, 3.3.2); a flood still closes the connection.
 */
export function answerBadInput(
  input: Extract<IrcInput, { kind: 'error' }>,
  out: IrcOutput,
  close: (reason: string) => void,
): void {
  const command = input.command ?? '*';
  if (command === 'NOTICE' && input.code !== 'FLOOD') return;
  switch (input.code) {
    case 'FLOOD':
      close(`Input line over ${FLOOD_BYTES / 1024} KiB`);
      return;
    case 'INPUT_TOO_LONG':
      out.reply(ERR_INPUTTOOLONG, 'Input line was too long');
      return;
    case 'INVALID_UTF8':
      out.fail(command, 'INVALID_UTF8', 'Message rejected: it was not valid UTF-8');
      return;
    case 'NUL':
      out.reply(ERR_UNKNOWNERROR, command, 'Message rejected: it contained a NUL byte');
      return;
    case 'UNKNOWN_COMMAND':
      out.reply(ERR_UNKNOWNCOMMAND, command, 'Unknown command');
      return;
  }
}

/**
 * What a registered client's silence calls for: a PING once it has been quiet for the
 * interval, and the end (with its reason) once a PING has gone unanswered for the timeout.
 */
export function keepaliveDue(
  now: number,
  lastInput: number,
  pingSentAt: number | undefined,
  limits: { pingIntervalMs: number; pingTimeoutMs: number },
): 'ping' | { timedOut: string } | undefined {
  if (pingSentAt !== undefined) {
    return now - pingSentAt >= limits.pingTimeoutMs
      ? { timedOut: `Ping timeout: ${Math.round(limits.pingTimeoutMs / 1000)} seconds` }
      : undefined;
  }
  return now - lastInput >= limits.pingIntervalMs ? 'ping' : undefined;
}
