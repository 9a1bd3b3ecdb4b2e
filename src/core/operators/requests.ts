import type { Member } from '../member.js';
import { parseDuration } from '../moderation/durations.js';
import type { ServerOperators } from './operators.js';

/**
 * What server operators ask for, as any door carries it: the WebSocket API's JSON as it is,
 * the text doors' commands (and the terminal client's) read into it. `mask` is a nickname,
 * user@host or nick!user@host with * and ? wildcards; `duration` like "10m", "2h", "7d".
 */
export type OperatorRequest =
  | { type: 'oper'; name: string; password: string }
  | { type: 'deoper' }
  | { type: 'kill'; nick: string; reason?: string }
  | { type: 'wallops'; text: string }
  | { type: 'kline'; mask: string; duration?: string; reason?: string }
  | { type: 'unkline'; mask: string }
  | { type: 'klines' };

export const OPERATOR_REQUEST_TYPES: ReadonlySet<string> = new Set<OperatorRequest['type']>([
  'oper',
  'deoper',
  'kill',
  'wallops',
  'kline',
  'unkline',
  'klines',
]);

export function isOperatorRequest(request: { type: string }): request is OperatorRequest {
  return OPERATOR_REQUEST_TYPES.has(request.type);
}

/** Carries out an operator's request; what it breaks is thrown as a ChatError. */
export async function runOperatorRequest(
  operators: ServerOperators,
  member: Member,
  request: OperatorRequest,
): Promise<void> {
  switch (request.type) {
    case 'oper':
      return operators.oper(member, request.name, request.password);
    case 'deoper':
      return operators.deoper(member);
    case 'kill':
      return operators.kill(member, request.nick, request.reason ?? '');
    case 'wallops':
      return operators.wallops(member, request.text);
    case 'kline':
      return operators.kline(member, request.mask, {
        ...(request.duration === undefined ? {} : { durationMs: parseDuration(request.duration) }),
        ...(request.reason === undefined ? {} : { reason: request.reason }),
      });
    case 'unkline':
      return operators.unkline(member, request.mask);
    case 'klines':
      return operators.showKlines(member);
  }
}
