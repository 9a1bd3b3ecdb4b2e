import type { Chat } from './chat.js';
import type { Member } from './member.js';
import { type ModerationRequest, runModerationRequest } from './moderation/requests.js';
import {
  isOperatorRequest,
  type OperatorRequest,
  runOperatorRequest,
} from './operators/requests.js';

/**
 * A request a door passes to the core as it came (a WebSocket message) or as its words read
 * (a text command): room moderation, or what server operators do.
 */
export type ChatRequest = ModerationRequest | OperatorRequest;

export function runRequest(chat: Chat, member: Member, request: ChatRequest): Promise<void> {
  return isOperatorRequest(request)
    ? runOperatorRequest(chat.operators, member, request)
    : runModerationRequest(chat.moderation, member, request);
}
