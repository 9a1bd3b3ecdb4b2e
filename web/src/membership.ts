import { describeCrowd } from '../../src/core/crowd-notices.js';
import { foldCase } from '../../src/core/names.js';
import type { ServerMessage } from '../../src/protocols/ws/protocol.js';
import type { Change } from './change.js';
import type { Conversation } from './conversation.js';
import { startLoading } from './conversation.js';

/** What membership changes touch of the client's picture (ChatState, in state.ts). */
export interface MembershipState {
  nick: string | undefined;
  readonly myKey: string | undefined;
  readonly conversations: Map<string, Conversation>;
  readonly away: Map<string, string>;
  active: string | undefined;
  conversation(name: string, kind: 'room' | 'private'): Conversation;
  activate(key: string): Change;
  notice(text: string, tone?: 'info' | 'error', key?: string, time?: number): Change;
}

/**
 * Who is where: joins, parts, quits and nick changes, as the member lists and the notice
 * lines they make. `time` is the event's server time, already heard by the state's clock.
 */

type Event<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export function joined(state: MembershipState, message: Event<'join'>, time: number): Change {
  const room = state.conversation(message.room, 'room');
  const you = foldCase(message.nick) === state.myKey;
  const back = you && room.joined;
  if (you) {
    // Back after leaving: the join replay starts the window afresh (what was said in
    // between was never seen, and must not look as if it had been).
    if (!room.joined) startLoading(room, 'latest');
    room.loading = undefined;
    room.joined = true;
    room.members.clear();
    if (state.active === undefined) state.activate(room.key);
  }
  room.members.set(foldCase(message.nick), message.nick);
  room.memberTotal = Math.max(room.memberTotal + (you ? 0 : 1), room.members.size);
  // A big room's joins come as one line a while later (crowdChanged).
  if (message.crowd && !you) return { members: true, conversations: true };
  const text = back
    ? `You rejoined ${room.name}`
    : you
      ? `You joined ${room.name}`
      : `${message.nick} joined`;
  return { ...state.notice(text, 'info', room.key, time), members: true, conversations: true };
}

export function parted(state: MembershipState, message: Event<'part'>, time: number): Change {
  const room = state.conversation(message.room, 'room');
  const you = foldCase(message.nick) === state.myKey;
  if (you) room.joined = false;
  room.members.delete(foldCase(message.nick));
  room.memberTotal = Math.max(0, room.memberTotal - 1);
  if (message.crowd && !you) return { members: true, conversations: true };
  const reason = message.reason ? ` (${message.reason})` : '';
  const text = you ? `You left ${room.name}${reason}` : `${message.nick} left${reason}`;
  return { ...state.notice(text, 'info', room.key, time), members: true, conversations: true };
}

/** The summary of a big room's joins and parts, as one line in that room. */
export function crowdChanged(
  state: MembershipState,
  message: Event<'crowd'>,
  time: number,
): Change {
  const room = state.conversations.get(foldCase(message.room));
  if (!room) return {};
  if (message.quiet) {
    // No join or part of the others came: the summary is all this list will hear of.
    for (const nick of message.joined) room.members.set(foldCase(nick), nick);
    for (const nick of message.left) room.members.delete(foldCase(nick));
  }
  if (message.members !== undefined)
    room.memberTotal = Math.max(message.members, room.members.size);
  return {
    ...state.notice(describeCrowd(message, false), 'info', room.key, time),
    members: true,
  };
}

export function quit(state: MembershipState, message: Event<'quit'>, time: number): Change {
  const key = foldCase(message.nick);
  const change: Change = { members: true };
  state.away.delete(key);
  for (const conversation of state.conversations.values()) {
    const inRoom = conversation.members.delete(key);
    if (inRoom) conversation.memberTotal = Math.max(0, conversation.memberTotal - 1);
    // In a big room the summary tells of it; a private conversation with them still does.
    const said = inRoom
      ? !message.crowd
      : conversation.kind === 'private' && conversation.key === key;
    if (said) {
      state.notice(
        `${message.nick} left the chat${message.reason ? ` (${message.reason})` : ''}`,
        'info',
        conversation.key,
        time,
      );
      change.entries = conversation.key === state.active ? conversation.key : change.entries;
    }
  }
  return change;
}

export function renamed(
  state: MembershipState,
  oldNick: string,
  newNick: string,
  time: number,
): Change {
  const oldKey = foldCase(oldNick);
  const you = oldKey === state.myKey;
  if (you) state.nick = newNick;
  const away = state.away.get(oldKey);
  if (away !== undefined) {
    state.away.delete(oldKey);
    state.away.set(foldCase(newNick), away);
  }
  for (const conversation of state.conversations.values()) {
    if (conversation.members.delete(oldKey)) {
      conversation.members.set(foldCase(newNick), newNick);
      state.notice(
        you ? `You are now known as ${newNick}` : `${oldNick} is now known as ${newNick}`,
        'info',
        conversation.key,
        time,
      );
    }
  }
  // A private conversation follows the person to their new name.
  const privateOne = state.conversations.get(oldKey);
  if (privateOne?.kind === 'private') {
    state.conversations.delete(oldKey);
    privateOne.key = foldCase(newNick);
    privateOne.name = newNick;
    state.conversations.set(privateOne.key, privateOne);
    if (state.active === oldKey) state.active = privateOne.key;
  }
  return { conversations: true, members: true, entries: state.active ?? '', status: true };
}
