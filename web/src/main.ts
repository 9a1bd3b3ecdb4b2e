import './style.css';
import './irc-colours.css';
import { foldCase } from '../../src/core/names.js';
import type { ClientMessage, ResumePoint, ServerMessage } from '../../src/protocols/ws/protocol.js';
import { StatusBanner } from './banner.js';
import { HELP, parseInput } from './commands.js';
import { setUpComposer } from './composer.js';
import { ChatConnection } from './connection.js';
import { setUpDrawers } from './drawers.js';
import { JoinRequests } from './joins.js';
import { KeyPrompt } from './key-prompt.js';
import { MemberMenu } from './member-menu.js';
import { Notifier } from './notify.js';
import { Panels } from './panels.js';
import { mentions } from './reading.js';
import { refusalText } from './room-modes.js';
import { RoomSettings } from './room-settings.js';
import { Scroller } from './scroller.js';
import { type Change, ChatState } from './state.js';
import { emptyPlace, loadPlace, type Place, savePlace } from './storage.js';
import { byId, renderEntries } from './view.js';

/** Older messages asked for at a time when scrolling back. */
const PAGE = 50;
// The nickname is this tab's own (sessionStorage), so two tabs can be two people; where
// each person was is kept per nickname in localStorage (storage.ts).
const SAVED_NICK = 'chatroom.nick';

const loginView = byId<HTMLDivElement>('login');
const loginForm = byId<HTMLFormElement>('login-form');
const nickInput = byId<HTMLInputElement>('nick-input');
const loginError = byId<HTMLParagraphElement>('login-error');
const appView = byId<HTMLDivElement>('app');
const joinForm = byId<HTMLFormElement>('join-form');
const joinInput = byId<HTMLInputElement>('join-input');
const statusLabel = byId<HTMLSpanElement>('status');

const messages = byId<HTMLOListElement>('messages');
const composer = byId<HTMLFormElement>('composer');
const composerInput = byId<HTMLTextAreaElement>('composer-input');

const state = new ChatState();
let connection: ChatConnection | undefined;
const status = new StatusBanner(statusLabel, byId<HTMLDivElement>('banner'));
const notifier = new Notifier(byId<HTMLButtonElement>('enable-notifications'));
const drawers = setUpDrawers(appView);
const joins = new JoinRequests();
const keyPrompt = new KeyPrompt((room, key) => request(joins.request(room, { key, open: true })));
const memberMenu = new MemberMenu(state, { request, talkTo: openPrivate });
const settings = new RoomSettings(state, request);
const panels = new Panels(state, {
  open: openConversation,
  close: closeConversation,
  join: (room) => request(joins.request(room, { open: true })),
  talkTo: openPrivate,
  member: (room, nick, button) => memberMenu.toggle(room, nick, button),
});
const scroller = new Scroller(
  messages,
  byId<HTMLButtonElement>('jump'),
  (end) => loadPage(end),
  () => {
    scroller.update(activeConversation());
    update(state.markRead());
  },
);
/** Where this nickname was last time, until the first welcome has put us back there. */
let place: Place = emptyPlace();
let restoring = false;

function activeConversation() {
  return state.active === undefined ? undefined : state.conversations.get(state.active);
}
const RENDER_DELAY_MS = 16;
let renderScheduled = false;
/** What the next frame must redraw. */
const dirty = { messages: false, tabs: false, members: false, rooms: false };

/** Notes what a change touched; the drawing happens once per burst of changes. */
function update(change: Change): void {
  if (change.entries !== undefined && change.entries === state.active) dirty.messages = true;
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
  const { messages: entries, tabs, members, rooms } = dirty;
  Object.assign(dirty, { messages: false, tabs: false, members: false, rooms: false });
  // The header first: a topic line appearing moves the list's bottom edge.
  panels.renderHeader();
  if (entries) {
    const conversation = activeConversation();
    scroller.redraw(conversation, () => renderEntries(messages, conversation, state.nick));
    state.markRead();
  }
  if (tabs || entries) panels.renderTabs();
  if (members) {
    panels.renderMembers();
    memberMenu.refresh();
  }
  settings.render();
  if (rooms) panels.renderOtherRooms();
  saveCurrentPlace();
}

function openConversation(key: string): void {
  update(state.activate(key));
  drawers.close();
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

/** Fetches a page of the open conversation: older, newer, or the latest (a jump). */
function loadPage(direction: 'older' | 'newer' | 'latest'): void {
  const conversation = activeConversation();
  if (!conversation || !connection?.online) return;
  if (conversation.kind === 'room' && !conversation.joined) return;
  const range = state.startLoading(conversation.key, direction);
  if (range === undefined) return;
  connection.request({ type: 'history', target: conversation.name, limit: PAGE, ...range });
  update({ entries: conversation.key });
}

function jumpToLatest(): void {
  const conversation = activeConversation();
  if (conversation?.liveEnd) scroller.toBottom();
  else loadPage('latest');
}

/** A request to the server now, or a line saying it cannot be sent; whether it was sent. */
function request(message: ClientMessage): boolean {
  if (connection?.request(message)) return true;
  update(state.notice('Not connected right now; try again in a moment.', 'error'));
  return false;
}

/** A join of ours the server refused: said plainly; a missing or wrong key is asked for. */
function joinRefused(error: Extract<ServerMessage, { type: 'error' }>): boolean {
  const join = joins.refused(error.ref);
  if (!join) return false;
  const keyGiven = join.key !== undefined;
  update(state.notice(refusalText(error.code, join.room, error.message, keyGiven), 'error'));
  if (error.code === 'BAD_ROOM_KEY') keyPrompt.ask(join.room, keyGiven);
  return true;
}

function onServerMessage(message: ServerMessage): void {
  if (message.type === 'error' && joinRefused(message)) return;
  update(state.apply(message));
  switch (message.type) {
    case 'welcome':
      joins.reset();
      sessionStorage.setItem(SAVED_NICK, message.nick);
      loginView.hidden = true;
      appView.hidden = false;
      connection?.request({ type: 'rooms' });
      if (restoring) restorePlace();
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
    case 'join': {
      if (foldCase(message.nick) !== state.myKey) break;
      const key = foldCase(message.room);
      if (joins.joined(key) || foldCase(place.active ?? '') === key) openConversation(key);
      connection?.request({ type: 'rooms' });
      break;
    }
    case 'part':
      if (foldCase(message.nick) === state.myKey) connection?.request({ type: 'rooms' });
      break;
    case 'room-list': {
      // The panel shows every room: ask for the next page after the one just added.
      const end = message.offset + message.rooms.length;
      if (message.more && message.rooms.length > 0 && end === state.allRooms.length) {
        connection?.request({ type: 'rooms', offset: end });
      }
      break;
    }
    case 'message':
    case 'private':
      notifyIfWanted(message);
      break;
  }
}

/** A mention or a private message while the page is hidden: a browser notification. */
function notifyIfWanted(message: Extract<ServerMessage, { type: 'message' | 'private' }>): void {
  if (!document.hidden || state.nick === undefined) return;
  if (foldCase(message.from) === state.myKey) return;
  const where = message.type === 'message' ? message.room : message.from;
  if (message.type === 'message' && !mentions(message.text, state.nick)) return;
  const title = message.type === 'message' ? `${message.from} in ${where}` : message.from;
  notifier.notify(title, message.text, foldCase(where), () => openConversation(foldCase(where)));
}

/**
 * After a reload, back where the user was: rooms with a known read position were resumed
 * by the hello (what was missed since, once); the others are joined; private tabs reopen.
 */
function restorePlace(): void {
  restoring = false;
  const resumed = new Set(resumeFromPlace().map((point) => foldCase(point.room)));
  for (const room of place.rooms) {
    if (!resumed.has(foldCase(room))) request(joins.request(room, { open: false }));
  }
  for (const nick of place.privates) state.conversation(nick, 'private');
  const active = place.active === undefined ? undefined : foldCase(place.active);
  if (active !== undefined && state.conversations.has(active)) openConversation(active);
  update({ conversations: true });
}

function resumeFromPlace(): ResumePoint[] {
  return place.rooms.flatMap((room) => {
    const after = place.lastRead[foldCase(room)];
    return after === undefined || after === 0 ? [] : [{ room, after }];
  });
}

function saveCurrentPlace(): void {
  if (!state.nick) return;
  const conversations = [...state.conversations.values()];
  const lastRead: Record<string, number> = {};
  for (const c of conversations) if (c.lastRead > 0) lastRead[c.key] = c.lastRead;
  savePlace(localStorage, location.origin, state.nick, {
    rooms: conversations.filter((c) => c.kind === 'room' && c.joined).map((c) => c.name),
    privates: conversations.filter((c) => c.kind === 'private').map((c) => c.name),
    active: activeConversation()?.name,
    lastRead,
  });
}

function connect(nick: string, patient: boolean): void {
  connection?.stop();
  place = loadPlace(localStorage, location.origin, nick);
  restoring = true;
  for (const [key, id] of Object.entries(place.lastRead)) state.savedLastRead.set(key, id);
  connection = new ChatConnection(
    nick,
    {
      message: onServerMessage,
      status: (now, detail, retryAt) => status.show(now, detail, retryAt),
      lost: (lastHeard) => update(state.connectionLost(lastHeard)),
      resumePoints: (reconnecting) => (reconnecting ? state.resumePoints() : resumeFromPlace()),
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

function submit(input: string, multiline: boolean): void {
  const conversation = activeConversation();
  if (multiline) {
    // Pasted lines are text, even one that starts with "/": a paste runs no commands.
    if (conversation) send(conversation.name, input, false);
    else update(state.notice('Join a room first: /join #room', 'error'));
    return;
  }
  const action = parseInput(input, conversation?.name);
  switch (action.kind) {
    case 'send':
      send(action.to, action.text, action.action);
      return;
    case 'request':
      if (action.message.type === 'quit') {
        connection?.quit(action.message.reason ?? '');
        sessionStorage.removeItem(SAVED_NICK);
        status.show('offline', 'You left the chat. Reload the page to come back.');
        return;
      }
      if (action.message.type === 'join') {
        const { room, key } = action.message;
        request(joins.request(room, { open: true, ...(key === undefined ? {} : { key }) }));
      } else request(action.message);
      return;
    case 'open':
      openPrivate(action.nick);
      if (action.text !== undefined) send(action.nick, action.text, false);
      return;
    case 'close':
      if (state.active) closeConversation(state.active);
      return;
    case 'older':
      loadPage('older');
      return;
    case 'help':
      update(state.notice('Commands:'));
      for (const [usage, summary] of HELP) update(state.notice(`${usage.padEnd(24)} ${summary}`));
      update(state.notice('Shift+Enter starts a new line; each line goes as its own message.'));
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
  // Saying something brings the reader back to the live end, where the answer will come.
  if (activeConversation()?.liveEnd === false) loadPage('latest');
  update(state.addPending(to, ref, text, action));
  const conversation = activeConversation();
  if (conversation) conversation.following = true;
}

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const nick = nickInput.value.trim();
  if (!nick) return;
  loginError.textContent = '';
  connect(nick, false);
});

setUpComposer(composer, composerInput, submit);

joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const room = joinInput.value.trim();
  if (!room) return;
  joinInput.value = '';
  submit(`/join ${room}`, false);
});

byId<HTMLButtonElement>('jump').addEventListener('click', jumpToLatest);
byId<HTMLButtonElement>('refresh-rooms').addEventListener('click', () => {
  connection?.request({ type: 'rooms' });
});
document.addEventListener('visibilitychange', () => {
  update(state.setVisible(!document.hidden));
  update({ entries: state.active ?? '' });
});

const savedNick = sessionStorage.getItem(SAVED_NICK);
if (savedNick) {
  nickInput.value = savedNick;
  connect(savedNick, true);
} else {
  nickInput.focus();
}
