import { describeCrowd } from '../../core/crowd-notices.js';
import { actorOf, type ChatEvent, roomOf } from '../../core/events.js';
import type { Member } from '../../core/member.js';
import { foldCase } from '../../core/names.js';
import { operWords, renderModeration, wallopsWords, withPrefixes } from './render-moderation.js';
import { safeText, type TextEntry, type Viewpoint } from './text-entry.js';

export type { TextEntry, Viewpoint } from './text-entry.js';
export { safeText };

/** The case-folded room and actor of an event: worked out once per broadcast, not per reader. */
export interface EventKeys {
  room: string | undefined;
  actor: string | undefined;
}

export function eventKeys(event: ChatEvent): EventKeys {
  const room = roomOf(event);
  const actor = actorOf(event);
  return {
    room: room === undefined ? undefined : foldCase(room),
    actor: actor === undefined ? undefined : foldCase(actor),
  };
}

/** The viewer's viewpoint as three bits: computed per recipient, so it allocates nothing. */
export function viewpointKey(keys: EventKeys, viewer: Member, showIds: boolean): number {
  const inCurrentRoom = keys.room === undefined || keys.room === viewer.currentRoomKey;
  const isActor = keys.actor !== undefined && keys.actor === viewer.nickKey;
  return (inCurrentRoom ? 1 : 0) | (isActor ? 2 : 0) | (showIds ? 4 : 0);
}

export function viewpointFromKey(key: number): Viewpoint {
  return { inCurrentRoom: (key & 1) !== 0, isActor: (key & 2) !== 0, showIds: (key & 4) !== 0 };
}

export function renderEvent(event: ChatEvent, view: Viewpoint): TextEntry[] {
  const you = view.isActor;
  switch (event.type) {
    case 'welcome':
      return [notice(`Welcome to ${event.serverName}, ${event.nick}! Type /help for commands.`)];
    case 'message': {
      const parts = [view.inCurrentRoom ? '' : event.room, view.showIds ? `@${event.id}` : ''];
      const label = parts.filter(Boolean).join(' ') || undefined;
      return [chatEntry(event.from, event.text, event.action, label)];
    }
    case 'sent':
      return view.showIds ? [notice(`Sent @${event.id} to ${event.target}`)] : [];
    case 'history':
      return renderHistory(event);
    case 'private':
      return [
        you
          ? { kind: 'private-out', to: event.to, text: safeText(event.text), action: event.action }
          : {
              kind: 'private-in',
              from: event.from,
              text: safeText(event.text),
              action: event.action,
            },
      ];
    case 'join':
      // In a big room the others' joins and parts come as a summary ('crowd').
      if (event.crowd && !you) return [];
      return [notice(you ? `You joined ${event.room}` : `${event.nick} joined ${event.room}`)];
    case 'part':
      if (event.crowd && !you) return [];
      return [
        notice(
          `${you ? 'You' : event.nick} left ${event.room}${event.reason ? ` (${safeText(event.reason)})` : ''}`,
        ),
      ];
    case 'crowd':
      return [notice(describeCrowd(event, true))];
    case 'quit':
      if (event.crowd) return [];
      return [notice(`${event.nick} left the chat (${safeText(event.reason)})`)];
    case 'nick':
      return [
        notice(
          you
            ? `You are now known as ${event.newNick}`
            : `${event.oldNick} is now known as ${event.newNick}`,
        ),
      ];
    case 'topic': {
      const who = you ? 'You' : event.nick;
      return [
        notice(
          event.topic
            ? `${who} set the topic of ${event.room} to: ${safeText(event.topic)}`
            : `${who} cleared the topic of ${event.room}`,
        ),
      ];
    }
    case 'current-room':
      return [
        notice(
          event.room
            ? `Now talking in ${event.room}`
            : 'You are not in any room now: /join #room to talk',
        ),
      ];
    case 'away':
    case 'tags':
      // Away states come and go all day on IRC, and typing notifications by the second: text
      // users would only see noise.
      return [];
    case 'topic-is':
      return [
        notice(
          event.topic
            ? `Topic of ${event.room}: ${safeText(event.topic)}${event.setBy ? ` (set by ${event.setBy})` : ''}`
            : `${event.room} has no topic`,
        ),
      ];
    case 'members':
      return [
        notice(
          event.total === 0
            ? `${event.room} has no members`
            : `${event.room} has ${plural(event.total, 'member')}: ${withPrefixes(event.nicks, event.roles).join(' ')}${
                event.total > event.nicks.length
                  ? ` and ${event.total - event.nicks.length} more (/who ${event.room} lists them all)`
                  : ''
              }`,
        ),
      ];
    case 'room-list':
      // The heading and the "next page" hint are the /rooms command's: a page comes in pieces.
      return [
        ...event.rooms.map((room) =>
          notice(
            `  ${room.name} (${plural(room.members, 'member')}, created by ${room.createdBy})${room.topic ? `: ${safeText(room.topic)}` : ''}`,
          ),
        ),
      ];
    case 'help':
      return [
        notice('Commands (a line without a leading / is a message to your current room):'),
        ...event.commands.map((command) =>
          notice(`  ${command.usage.padEnd(38)} ${command.summary}`),
        ),
      ];
    case 'notice':
      return [notice(safeText(event.text))];
    case 'error':
      return [{ kind: 'error', code: event.code, text: safeText(event.message) }];
    case 'mode':
    case 'kick':
    case 'invite':
    case 'modes-are':
    case 'sanctions':
    case 'modlog':
    case 'server-bans':
      return renderModeration(event, view, Date.now());
    case 'oper':
      return [notice(operWords(event.name))];
    // The session shows it to server operators only.
    case 'wallops':
      return [notice(wallopsWords(event.nick, safeText(event.text)))];
    // Between server nodes only.
    case 'kill':
    case 'server-ban':
      return [];
  }
}

function chatEntry(
  from: string,
  text: string,
  action: boolean,
  label: string | undefined,
): TextEntry {
  return { kind: action ? 'action' : 'chat', from, text: safeText(text), label };
}

type HistoryEvent = Extract<ChatEvent, { type: 'history' }>;

const HISTORY_HEADINGS: Record<HistoryEvent['reason'], [string, string]> = {
  join: ['Last %n in %t', 'No messages in %t yet'],
  request: ['History of %t: %n', 'No messages in %t'],
  resume: ['Missed in %t: %n', 'Nothing missed in %t'],
  search: ['Found in %t: %n', 'Nothing found in %t'],
};

/**
 * A replay, between a heading and an end line so it is never taken for live chat; each line
 * carries its room, id and time (UTC) so it can be read, and paged from, on its own.
 */
function renderHistory(event: HistoryEvent): TextEntry[] {
  const where = event.private ? `your conversation with ${event.target}` : event.target;
  const [heading, empty] = HISTORY_HEADINGS[event.reason];
  const count = plural(event.messages.length, 'message');
  const entries: TextEntry[] = [];
  if (event.gap) {
    entries.push(
      notice(`Messages @${event.gap.from} to @${event.gap.to} of ${where} are no longer kept`),
    );
  }
  if (event.messages.length === 0) {
    entries.push(notice(empty.replace('%t', where)));
    return entries;
  }
  entries.push(notice(`${heading.replace('%t', where).replace('%n', count)} (times UTC):`));
  const place = event.private ? 'private' : event.target;
  for (const message of event.messages) {
    const label = `${place} @${message.id} ${formatTime(message.time)}`;
    entries.push(chatEntry(message.from, message.text, message.action, label));
  }
  const last = event.messages.at(-1)!.id;
  const first = event.messages[0]!.id;
  const more = !event.more
    ? ''
    : event.reason === 'resume'
      ? ` (more: /resume ${event.target} ${last})`
      : ` (more: /history ${event.target} before ${first})`;
  entries.push(notice(`End of history of ${where}${more}`));
  return entries;
}

function formatTime(time: number): string {
  return new Date(time).toISOString().slice(0, 16).replace('T', ' ');
}

function notice(text: string): TextEntry {
  return { kind: 'notice', text };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
