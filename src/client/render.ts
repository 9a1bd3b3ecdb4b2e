import { describeCrowd } from '../core/crowd-notices.js';
import { ROLE_PREFIXES } from '../core/moderation/mode-letters.js';
import { foldCase } from '../core/names.js';
import { MAX_ROOM_PAGE } from '../core/room-list.js';
import { forTerminal } from '../protocols/formatting.js';
import { operWords, renderModeration, wallopsWords } from '../protocols/text/render-moderation.js';
import type { HistoryMessage, ServerMessage } from '../protocols/ws/protocol.js';
import { type Palette, palette } from './colors.js';

/** Who is reading: the client words events it caused ("You joined") and labels other rooms. */
export interface View {
  nick: string | undefined;
  currentRoom: string | undefined;
}

/**
 * The lines the terminal shows for a message of the WebSocket API, in `colors` (none unless
 * given). They read as the line door's (docs/protocols/line.md) did when the client spoke it,
 * so its users see what they always saw: `<bob> hi`, `[#dev] <bob> hi`, `*** bob joined
 * #lobby`, `!!! ... (CODE)`.
 * Everything other people wrote goes through forTerminal: JSON carries it raw, and an escape
 * sequence in a message must not recolour or move anything on this screen.
 */
export function render(message: ServerMessage, view: View, colors = PLAIN): string[] {
  const notice = (text: string) => colors.notice(`*** ${text}`);
  const isMe = (nick: string) => view.nick !== undefined && foldCase(nick) === foldCase(view.nick);
  switch (message.type) {
    case 'welcome':
      return [
        notice(`Welcome to ${message.serverName}, ${message.nick}! Type /help for commands.`),
      ];
    case 'message': {
      const here = view.currentRoom !== undefined && sameRoom(message.room, view.currentRoom);
      return [chat(colors, message.from, message.text, message.action, here ? '' : message.room)];
    }
    case 'private': {
      const text = safe(message.text);
      if (isMe(message.from)) {
        return [colors.private(`-> *${message.to}* ${message.action ? `* ${text}` : text}`)];
      }
      const from = colors.private(`*${message.from}*`);
      return [`${from} ${message.action ? `* ${message.from} ${text}` : text}`];
    }
    case 'history':
      return renderHistory(message, colors);
    case 'join':
      if (message.crowd && !isMe(message.nick)) return [];
      return [notice(`${isMe(message.nick) ? 'You' : message.nick} joined ${message.room}`)];
    case 'part': {
      if (message.crowd && !isMe(message.nick)) return [];
      const reason = message.reason ? ` (${safe(message.reason)})` : '';
      return [notice(`${isMe(message.nick) ? 'You' : message.nick} left ${message.room}${reason}`)];
    }
    case 'crowd':
      return [notice(describeCrowd(message, true))];
    case 'quit':
      if (message.crowd) return [];
      return [notice(`${message.nick} left the chat (${safe(message.reason)})`)];
    case 'nick':
      // After the change our own nickname is the new one.
      return [
        notice(
          isMe(message.newNick) || isMe(message.oldNick)
            ? `You are now known as ${message.newNick}`
            : `${message.oldNick} is now known as ${message.newNick}`,
        ),
      ];
    case 'topic': {
      const who = isMe(message.nick) ? 'You' : message.nick;
      return [
        notice(
          message.topic
            ? `${who} set the topic of ${message.room} to: ${safe(message.topic)}`
            : `${who} cleared the topic of ${message.room}`,
        ),
      ];
    }
    case 'topic-is':
      return [
        notice(
          message.topic
            ? `Topic of ${message.room}: ${safe(message.topic)}${message.setBy ? ` (set by ${message.setBy})` : ''}`
            : `${message.room} has no topic`,
        ),
      ];
    case 'members':
      return [notice(membersLine(message))];
    case 'room-list':
      return renderRoomList(message).map(notice);
    case 'current-room':
      return [
        notice(
          message.room
            ? `Now talking in ${message.room}`
            : 'You are not in any room now: /join #room to talk',
        ),
      ];
    case 'notice':
      return [notice(safe(message.text))];
    case 'error':
      return [colors.error(`!!! ${safe(message.message)} (${message.code})`)];
    case 'oper':
      return [notice(operWords(message.name ?? undefined))];
    case 'wallops':
      return [notice(wallopsWords(message.nick, safe(message.text)))];
    case 'mode':
    case 'kick':
    case 'invite':
    case 'modes-are':
    case 'sanctions':
    case 'server-bans':
      // Worded as the line door words them: one table of phrases for both.
      return renderModeration(message, moderationView(message, view), Date.now()).map((entry) =>
        notice(entry.text),
      );
    case 'modlog':
      return renderModeration(
        { ...message, room: message.room ?? undefined },
        moderationView(message, view),
        Date.now(),
      ).map((entry) => notice(entry.text));
    // What the client follows but the user need not see: acks (what was typed stays on
    // screen), pongs, and away states, which come and go all day on IRC.
    case 'ack':
    case 'pong':
    case 'away':
      return [];
  }
}

function moderationView(message: ServerMessage, view: View) {
  const actor = 'nick' in message ? message.nick : undefined;
  return {
    inCurrentRoom: true,
    isActor:
      actor !== undefined && view.nick !== undefined && foldCase(actor) === foldCase(view.nick),
    showIds: false,
  };
}

export function sameRoom(a: string, b: string): boolean {
  return foldCase(a) === foldCase(b);
}

const PLAIN = palette(false);

/** `<bob> hi` or `* bob waves`, labelled `[#dev] ` (and for a replay its id and time) if given. */
function chat(colors: Palette, from: string, text: string, action: boolean, label: string) {
  const prefix = label ? `[${label}] ` : '';
  const nick = colors.nick(from);
  return action ? `${prefix}* ${nick} ${safe(text)}` : `${prefix}<${nick}> ${safe(text)}`;
}

function membersLine(message: Extract<ServerMessage, { type: 'members' }>): string {
  if (message.total === 0) return `${message.room} has no members`;
  const more =
    message.total > message.nicks.length
      ? ` and ${message.total - message.nicks.length} more (/who ${message.room} lists them all)`
      : '';
  const nicks = message.nicks.map(
    (nick) => `${(message.roles?.[nick] ?? []).map((role) => ROLE_PREFIXES[role]).join('')}${nick}`,
  );
  return `${message.room} has ${plural(message.total, 'member')}: ${nicks.join(' ')}${more}`;
}

/** One `room-list` answers one `/rooms PAGE`, its offset says which page: notices' texts. */
function renderRoomList(message: Extract<ServerMessage, { type: 'room-list' }>): string[] {
  const page = Math.floor(message.offset / MAX_ROOM_PAGE) + 1;
  const pages = Math.max(1, Math.ceil(message.total / MAX_ROOM_PAGE));
  const count = plural(message.total, 'room');
  if (page > pages) return [`${count}: there is no page ${page} (${pages} in all).`];
  return [
    pages === 1 ? `${count}:` : `${count}, page ${page} of ${pages}:`,
    ...message.rooms.map(
      (room) =>
        `  ${room.name} (${plural(room.members, 'member')}, created by ${room.createdBy})${room.topic ? `: ${safe(room.topic)}` : ''}`,
    ),
    ...(message.more ? [`/rooms ${page + 1} shows the next page.`] : []),
  ];
}

type History = Extract<ServerMessage, { type: 'history' }>;

const HEADINGS: Record<History['reason'], [heading: string, empty: string]> = {
  join: ['Last %n in %t', 'No messages in %t yet'],
  request: ['History of %t: %n', 'No messages in %t'],
  resume: ['Missed in %t: %n', 'Nothing missed in %t'],
  search: ['Found in %t: %n', 'Nothing found in %t'],
};

/**
 * A replay, between a heading and an end line so it is never taken for live chat; each line
 * carries its room, id and time (UTC), which `/history #room before ID` and `/resume` take.
 */
function renderHistory(message: History, colors: Palette): string[] {
  const notice = (text: string) => colors.notice(`*** ${text}`);
  const where = message.private ? `your conversation with ${message.target}` : message.target;
  const [heading, empty] = HEADINGS[message.reason];
  const lines: string[] = [];
  if (message.gap) {
    lines.push(
      notice(`Messages @${message.gap.from} to @${message.gap.to} of ${where} are no longer kept`),
    );
  }
  const first = message.messages[0];
  const last = message.messages.at(-1);
  if (first === undefined || last === undefined) return [...lines, notice(fill(empty, where))];
  const count = plural(message.messages.length, 'message');
  lines.push(notice(`${fill(heading, where).replace('%n', count)} (times UTC):`));
  const place = message.private ? 'private' : message.target;
  for (const stored of message.messages) lines.push(historyLine(colors, place, stored));
  const more = !message.more
    ? ''
    : message.reason === 'resume'
      ? ` (more: /resume ${message.target} ${last.id})`
      : ` (more: /history ${message.target} before ${first.id})`;
  lines.push(notice(`End of history of ${where}${more}`));
  return lines;
}

function historyLine(colors: Palette, place: string, message: HistoryMessage): string {
  const time = new Date(message.time).toISOString().slice(0, 16).replace('T', ' ');
  const label = `${place} @${message.id} ${time}`;
  return chat(colors, message.from, message.text, message.action, label);
}

function fill(template: string, where: string): string {
  return template.replace('%t', where);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function safe(text: string): string {
  return forTerminal(text);
}
