import './style.css';
import { foldCase } from '../../src/core/names.js';
import type { ServerMessage } from '../../src/protocols/ws/protocol.js';
import { HELP, parseInput } from './commands.js';
import { ChatConnection, type Status } from './connection.js';
import { type Change, ChatState } from './state.js';
import { byId, element, renderEntries, tab } from './view.js';

/** Older messages asked for at a time when scrolling back. */
const PAGE = 50;
/** Near enough the top (px) to load older messages, or the bottom to follow new ones. */
const EDGE = 48;
// A reload keeps the nickname and the rooms: this tab's own, so two tabs can be two people.
const SAVED_NICK = 'chatroom.nick';
const SAVED_ROOMS = 'chatroom.rooms';

const loginView = byId<HTMLDivElement>('login');
const loginForm = byId<HTMLFormElement>('login-form');
const nickInput = byId<HTMLInputElement>('nick-input');
const loginError = byId<HTMLParagraphElement>('login-error');
const appView = byId<HTMLDivElement>('app');
const roomTabs = byId<HTMLUListElement>('room-tabs');
const privateTabs = byId<HTMLUListElement>('private-tabs');
const otherRooms = byId<HTMLUListElement>('other-rooms');
const joinForm = byId<HTMLFormElement>('join-form');
const joinInput = byId<HTMLInputElement>('join-input');
const meLabel = byId<HTMLSpanElement>('me');
const statusLabel = byId<HTMLSpanElement>('status');
const banner = byId<HTMLDivElement>('banner');
const title = byId<HTMLHeadingElement>('title');
const topic = byId<HTMLParagraphElement>('topic');
const messages = byId<HTMLOListElement>('messages');
const composer = byId<HTMLFormElement>('composer');
const composerInput = byId<HTMLInputElement>('composer-input');
const membersTitle = byId<HTMLHeadingElement>('members-title');
const memberList = byId<HTMLUListElement>('member-list');

const state = new ChatState();
let connection: ChatConnection | undefined;
const RENDER_DELAY_MS = 16;
let renderScheduled = false;
/** What the next frame must redraw. */
const dirty = { messages: false, prepended: false, tabs: false, members: false, rooms: false };

/** Notes what a change touched; the drawing happens once per burst of changes. */
function update(change: Change): void {
  if (change.entries !== undefined && change.entries === state.active) {
    dirty.messages = true;
    dirty.prepended ||= change.prepended === true;
  }
  dirty.tabs ||= change.entries !== undefined || change.conversations === true;
  dirty.members ||= change.members === true;
  dirty.rooms ||= change.rooms === true || change.conversations === true;
  if (!renderScheduled) {
    renderScheduled = true;
    // A timer, not requestAnimationFrame: background tabs get no frames, and their title and
    // unread counts must still move. A short delay lets a burst of messages share one redraw.
    setTimeout(render, RENDER_DELAY_MS);
  }
}

function render(): void {
  renderScheduled = false;
  const active = state.active === undefined ? undefined : state.conversations.get(state.active);
  if (active) active.unread = 0;
  const { messages: entries, prepended, tabs, members, rooms } = dirty;
  Object.assign(dirty, {
    messages: false,
    prepended: false,
    tabs: false,
    members: false,
    rooms: false,
  });
  if (entries) renderMessages(prepended);
  if (tabs) renderTabs();
  if (members) renderMembers();
  if (rooms) renderOtherRooms();
  renderHeader();
  saveRooms();
}

function renderMessages(prepended: boolean): void {
  const conversation = state.active ? state.conversations.get(state.active) : undefined;
  const fromBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight;
  const heightBefore = messages.scrollHeight;
  const topBefore = messages.scrollTop;
  renderEntries(messages, conversation, state.nick);
  if (prepended) {
    // Older messages went in above: keep what the reader was looking at in place.
    messages.scrollTop = topBefore + (messages.scrollHeight - heightBefore);
  } else if (fromBottom < EDGE) {
    messages.scrollTop = messages.scrollHeight;
  }
  // Not enough to scroll yet: fetch more until there is, or history runs out.
  if (messages.scrollHeight <= messages.clientHeight + EDGE) loadOlder();
}

function renderTabs(): void {
  const rooms: HTMLLIElement[] = [];
  const people: HTMLLIElement[] = [];
  let unread = 0;
  for (const conversation of state.conversations.values()) {
    unread += conversation.unread;
    const item = tab(
      conversation.name,
      conversation.unread,
      conversation.key === state.active,
      () => openConversation(conversation.key),
      () => closeConversation(conversation.key),
    );
    if (conversation.kind === 'room' && !conversation.joined) item.classList.add('parted');
    (conversation.kind === 'room' ? rooms : people).push(item);
  }
  roomTabs.replaceChildren(...rooms);
  privateTabs.replaceChildren(...people);
  document.title = unread > 0 ? `(${unread}) ${state.serverName}` : state.serverName;
}

function renderOtherRooms(): void {
  const items = state.allRooms
    .filter((room) => !state.conversations.get(foldCase(room.name))?.joined)
    .map((room) => {
      const item = element('li', 'tab');
      const join = element('button', 'open', `${room.name} (${room.members})`);
      join.type = 'button';
      join.title = room.topic || `Join ${room.name}`;
      join.addEventListener('click', () => connection?.request({ type: 'join', room: room.name }));
      item.append(join);
      return item;
    });
  otherRooms.replaceChildren(...items);
}

function renderMembers(): void {
  const conversation = state.active ? state.conversations.get(state.active) : undefined;
  if (!conversation || conversation.kind === 'private') {
    membersTitle.textContent = conversation ? 'Private conversation' : 'Members';
    memberList.replaceChildren(
      ...(conversation ? [element('li', 'member', conversation.name)] : []),
    );
    return;
  }
  const nicks = [...conversation.members.values()].sort((a, b) =>
    a.localeCompare(b, undefined, { sensitivity: 'base' }),
  );
  const hidden = conversation.memberTotal - nicks.length;
  membersTitle.textContent = `${conversation.memberTotal} in ${conversation.name}`;
  const items = nicks.map((nick) => {
    const item = element('li', 'member');
    const button = element('button', 'open', nick);
    button.type = 'button';
    const away = state.away.get(foldCase(nick));
    button.title = away === undefined ? `Talk privately with ${nick}` : `${nick} is away: ${away}`;
    if (away !== undefined) item.classList.add('away');
    button.addEventListener('click', () => openPrivate(nick));
    item.append(button);
    return item;
  });
  if (hidden > 0) items.push(element('li', 'member more', `and ${hidden} more`));
  memberList.replaceChildren(...items);
}

function renderHeader(): void {
  const conversation = state.active ? state.conversations.get(state.active) : undefined;
  title.textContent = conversation?.name ?? state.serverName;
  topic.textContent = conversation?.kind === 'room' ? conversation.topic : '';
  meLabel.textContent = state.nick ?? '';
  composerInput.placeholder = conversation
    ? `Message ${conversation.name}  (/help for commands)`
    : 'Type /join #room';
}

function showStatus(status: Status, detail: string): void {
  statusLabel.textContent = status;
  statusLabel.dataset.status = status;
  banner.textContent = detail;
  banner.hidden = status === 'online' || detail === '';
}

function openConversation(key: string): void {
  update(state.activate(key));
  appView.classList.remove('show-sidebar', 'show-members');
  composerInput.focus();
}

function openPrivate(nick: string): void {
  const conversation = state.conversation(nick, 'private');
  openConversation(conversation.key);
  update({ conversations: true });
}

function closeConversation(key: string): void {
  const conversation = state.conversations.get(key);
  if (conversation?.kind === 'room' && conversation.joined) {
    connection?.request({ type: 'part', room: conversation.name });
  }
  update(state.close(key));
}

function loadOlder(): void {
  const conversation = state.active ? state.conversations.get(state.active) : undefined;
  if (!conversation || conversation.historyComplete || conversation.loadingHistory) return;
  if (conversation.kind === 'room' && !conversation.joined) return;
  const first = conversation.entries.find((e) => e.kind === 'message' && e.id !== undefined);
  const before = first?.kind === 'message' ? first.id : undefined;
  const sent = connection?.request({
    type: 'history',
    target: conversation.name,
    limit: PAGE,
    ...(before === undefined ? {} : { before }),
  });
  if (sent) {
    conversation.loadingHistory = true;
    update({ entries: conversation.key, prepended: true });
  }
}

function onServerMessage(message: ServerMessage): void {
  update(state.apply(message));
  switch (message.type) {
    case 'welcome':
      sessionStorage.setItem(SAVED_NICK, message.nick);
      loginView.hidden = true;
      appView.hidden = false;
      connection?.request({ type: 'rooms' });
      rejoinSavedRooms();
      composerInput.focus();
      break;
    case 'nick':
      if (foldCase(message.newNick) === state.myKey) {
        sessionStorage.setItem(SAVED_NICK, message.newNick);
      }
      break;
    case 'history':
      // A resume sends at most a page at a time: ask on from the last one until caught up.
      if (message.reason === 'resume' && message.more && message.messages.length > 0) {
        connection?.request({
          type: 'resume',
          room: message.target,
          after: message.messages.at(-1)!.id,
        });
      }
      break;
    case 'join':
      if (foldCase(message.nick) === state.myKey) {
        openConversation(foldCase(message.room));
        connection?.request({ type: 'rooms' });
      }
      break;
    case 'part':
      if (foldCase(message.nick) === state.myKey) connection?.request({ type: 'rooms' });
      break;
    case 'room-list':
    case 'members':
      break;
  }
}

let roomsToRejoin: string[] | undefined;

/** After a reload: back into the rooms this tab was in (each join replays its latest). */
function rejoinSavedRooms(): void {
  if (roomsToRejoin === undefined) return;
  for (const room of roomsToRejoin) connection?.request({ type: 'join', room });
  roomsToRejoin = undefined;
}

function saveRooms(): void {
  if (!state.nick) return;
  const rooms = [...state.conversations.values()]
    .filter((c) => c.kind === 'room' && c.joined)
    .map((c) => c.name);
  sessionStorage.setItem(SAVED_ROOMS, JSON.stringify(rooms));
}

function connect(nick: string, patient: boolean): void {
  connection?.stop();
  connection = new ChatConnection(
    nick,
    {
      message: onServerMessage,
      status: showStatus,
      resumePoints: () => state.resumePoints(),
      refused(text) {
        sessionStorage.removeItem(SAVED_NICK);
        loginView.hidden = false;
        appView.hidden = true;
        loginError.textContent = text;
        nickInput.focus();
      },
    },
    patient,
  );
  connection.start();
}

function submit(input: string): void {
  const current = state.active ? state.conversations.get(state.active)?.name : undefined;
  const action = parseInput(input, current);
  switch (action.kind) {
    case 'send':
      send(action.to, action.text, action.action);
      return;
    case 'request':
      if (action.message.type === 'quit') {
        connection?.quit(action.message.reason ?? '');
        sessionStorage.removeItem(SAVED_NICK);
        showStatus('offline', 'You left the chat. Reload the page to come back.');
        return;
      }
      if (!connection?.request(action.message)) {
        update(state.notice('Not connected right now; try again in a moment.', 'error'));
      }
      return;
    case 'open':
      openPrivate(action.nick);
      if (action.text !== undefined) send(action.nick, action.text, false);
      return;
    case 'close':
      if (state.active) closeConversation(state.active);
      return;
    case 'older':
      loadOlder();
      return;
    case 'help':
      update(state.notice('Commands:'));
      for (const [usage, summary] of HELP) update(state.notice(`${usage.padEnd(24)} ${summary}`));
      return;
    case 'error':
      update(state.notice(action.text, 'error'));
      return;
  }
}

function send(to: string, text: string, action: boolean): void {
  const ref = connection?.sendChat(to, text, action);
  if (ref === undefined) {
    update(state.notice('Too many messages are waiting to be sent; wait a moment.', 'error'));
    return;
  }
  update(state.addPending(to, ref, text, action));
}

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const nick = nickInput.value.trim();
  if (!nick) return;
  loginError.textContent = '';
  connect(nick, false);
});

composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const input = composerInput.value;
  if (!input.trim()) return;
  composerInput.value = '';
  submit(input);
});

joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const room = joinInput.value.trim();
  if (!room) return;
  joinInput.value = '';
  submit(`/join ${room}`);
});

messages.addEventListener('scroll', () => {
  if (messages.scrollTop < EDGE) loadOlder();
});

byId<HTMLButtonElement>('toggle-sidebar').addEventListener('click', () => {
  appView.classList.toggle('show-sidebar');
  appView.classList.remove('show-members');
});
byId<HTMLButtonElement>('toggle-members').addEventListener('click', () => {
  appView.classList.toggle('show-members');
  appView.classList.remove('show-sidebar');
});
byId<HTMLButtonElement>('refresh-rooms').addEventListener('click', () => {
  connection?.request({ type: 'rooms' });
});

const savedNick = sessionStorage.getItem(SAVED_NICK);
if (savedNick) {
  try {
    const saved: unknown = JSON.parse(sessionStorage.getItem(SAVED_ROOMS) ?? '[]');
    roomsToRejoin = Array.isArray(saved)
      ? saved.filter((room): room is string => typeof room === 'string')
      : [];
  } catch {
    roomsToRejoin = [];
  }
  nickInput.value = savedNick;
  connect(savedNick, true);
} else {
  nickInput.focus();
}
