import { type Fields, optionalString, string } from './fields.js';
import type { OperatorRequest } from './protocol.js';

/** Reads a server operator's request (docs/websocket.md); undefined for a type that is not one. */
export function readOperatorRequest(type: string, fields: Fields): OperatorRequest | undefined {
  switch (type) {
    case 'oper':
      return { type, name: string(fields, 'name'), password: string(fields, 'password') };
    case 'deoper':
    case 'klines':
      return { type };
    case 'kill': {
      const reason = optionalString(fields, 'reason');
      return { type, nick: string(fields, 'nick'), ...(reason === undefined ? {} : { reason }) };
    }
    case 'wallops':
      return { type, text: string(fields, 'text') };
    case 'kline': {
      const duration = optionalString(fields, 'duration');
      const reason = optionalString(fields, 'reason');
      return {
        type,
        mask: string(fields, 'mask'),
        ...(duration === undefined ? {} : { duration }),
        ...(reason === undefined ? {} : { reason }),
      };
    }
    case 'unkline':
      return { type, mask: string(fields, 'mask') };
    default:
      return undefined;
  }
}
