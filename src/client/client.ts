import type { Readable, Writable } from 'node:stream';
import { type ClientMessage, type ServerMessage, WS_PATH } from '../protocols/ws/protocol.js';
import { CatchUp } from './catch-up.js';
import { ownLine, palette } from './colors.js';
import { isQuit, parseInput } from './commands.js';
import { HeldLines } from './held-lines.js';
import { ServerLink } from './link.js';
import { newRef, Outbox } from './outbox.js';
import { render, sameRoom } from './render.js';
import { inOrder, restoreRequests } from './restore.js';
import { Screen } from './screen.js';

export interface ClientOptions {
  host: string;
  /** The server's HTTP door, which upgrades /ws to the WebSocket API. */
  port: number;
  nick: string | undefined;
  color: boolean;
  input?: Readable;
  output?: Writable;
  /** First and longest pause between reconnection attempts. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** How often to ping the server, and how long a silence means the connection is dead. */
  pingIntervalMs?: number;
  silenceTimeoutMs?: number;
}

const NICK_RETRIES_ON_RECONNECT = 3;
/** How long the client waits before asking again for a nickname the server could not check. */
const NICK_UNAVAILABLE_RETRY_MS = 5000;
// What the server puts every new connection in, until it has told us its own name for it.
const DEFAULT_LOBBY = '#lobby';

/**
 * The terminal client: keyboard and WebSocket (a ServerLink) at once. It speaks the JSON API
 * of docs/websocket.md, whose messages say what happened in fields rather than sentences, and
 * renders them the way the line door words them. What it follows (its nickname, rooms and
 * current room, the last message id seen in each room, the sends not acknowledged yet) is
 * what lets it put you back where you were after a reconnect and show what you missed once.
 */
export function runClient(options: ClientOptions): Promise<number> {
  const output = options.output ?? process.stdout;
  const screen = new Screen(options.input ?? process.stdin, output);
  const colors = palette(options.color);
  const minBackoff = options.minBackoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  const keepalive = {
    pingIntervalMs: options.pingIntervalMs ?? 20_000,
    silenceTimeoutMs: options.silenceTimeoutMs ?? 45_000,
  };
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `ws://${hostInUrl}:${options.port}${WS_PATH}`;

  let nick = options.nick;
  let server: ServerLink | undefined;
  let registered = false;
  let everRegistered = false;
  /** The ref of the hello not answered yet; a line typed meanwhile is not a new nickname. */
  let helloRef: string | undefined;
  let nickRetries = 0;
  let quitting = false;
  let backoff = minBackoff;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let currentRoom: string | undefined;
  const rooms: string[] = [];
  let lobby = DEFAULT_LOBBY;
  /** Until the first room we are put in after the first welcome: that one is the lobby. */
  let learningLobby = true;
  // Where to put the user back after a reconnect: their rooms and current room at the drop.
  let restoreRooms: string[] = [];
  let restoreCurrent: string | undefined;
  /** The rooms the last hello asked to resume. */
  let resumed: string[] = [];
  /**
   * While putting the user back: the ref of the ping sent after every request that does it,
   * whose pong says all of them are answered, and the room the server last said we talk in.
   */
  let restoring: { ref: string; current: string | null } | undefined;
  // Whether a connection (or an attempt at one) has ended: until then we are connecting.
  let dropped = false;

  const outbox = new Outbox();
  const catchUp = new CatchUp({
    newRef,
    ownNick: () => nick,
    isUnackedOwn: (room, message) =>
      nick !== undefined && sameRoom(message.from, nick) && outbox.holds(room, message),
  });

  const connected = () => server?.open === true;
  const show = (line: string) => screen.print(ownLine(line, colors));
  /**
   * Where plain text goes: while the client puts itself back after a reconnect (or waits to
   * reconnect), the room it is going back to; what the server passes through on the way is
   * not the user's choice.
   */
  const talkingIn = () => (registered && !restoring ? currentRoom : restoreCurrent);
  const showMessage = (message: ServerMessage) => {
    const view = { nick, currentRoom: talkingIn() };
    for (const line of render(message, view, colors)) screen.print(line);
  };
  const notSent = () => show('!!! Not connected; that was not sent.');

  // See HeldLines: what is typed while its meaning is being settled waits for it.
  const held = new HeldLines({
    settling: () =>
      !everRegistered &&
      !registered &&
      nick !== undefined &&
      (helloRef !== undefined || !connected()),
    handle: (line) => handleLine(line),
    end: () => quit(''),
    refuse: notSent,
  });

  const updatePrompt = () => {
    if (!connected()) screen.setPrompt(dropped ? '(disconnected)> ' : '(connecting)> ');
    else screen.setPrompt(registered ? `${currentRoom ?? ''}> ` : 'nickname> ');
  };

  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const request = (message: ClientMessage) => server?.send(message);

  const hello = () => {
    if (nick === undefined) return;
    helloRef = newRef();
    // A hello refused (our old self still holds the nickname) asks for the same rooms again.
    catchUp.disconnected();
    const plan = everRegistered ? inOrder(restoreRooms, restoreCurrent) : [];
    const points = catchUp.resumePoints(plan, helloRef);
    resumed = points.map((point) => point.room);
    request({
      type: 'hello',
      nick,
      ref: helloRef,
      ...(points.length > 0 ? { resume: points } : {}),
    });
  };

  /**
   * After the welcome of a reconnect: back to the rooms the hello did not resume, then the
   * sends not acknowledged before the drop go again. The server answers in order, so the
   * pong of the ping that follows says all of it is done.
   */
  const restore = () => {
    const place = { rooms: restoreRooms, current: restoreCurrent, resumed, lobby };
    for (const next of restoreRequests(place)) request(next);
    const { again, givenUp } = outbox.resends(nick!);
    for (const send of again) request(send);
    if (givenUp > 0) {
      show(
        `!!! ${givenUp} of your messages sent before the drop may not have arrived; they were not sent again under another nickname.`,
      );
    }
    restoring = { ref: newRef(), current: null };
    request({ type: 'ping', ref: restoring.ref });
  };

  /** Follows a message from the server; false if it is not for the user to see. */
  const follow = (message: ServerMessage): boolean => {
    const isMe = (name: string) => nick !== undefined && sameRoom(name, nick);
    switch (message.type) {
      case 'welcome':
        registered = true;
        helloRef = undefined;
        // The server's word, not our guess: it spells the nickname as it was asked for.
        nick = message.nick;
        backoff = minBackoff;
        nickRetries = 0;
        if (everRegistered) restore();
        everRegistered = true;
        return true;
      case 'join':
        if (!isMe(message.nick)) return true;
        if (!rooms.some((room) => sameRoom(room, message.room))) rooms.push(message.room);
        if (learningLobby) lobby = message.room;
        learningLobby = false;
        return true;
      case 'part':
        if (isMe(message.nick)) {
          const index = rooms.findIndex((room) => sameRoom(room, message.room));
          if (index !== -1) rooms.splice(index, 1);
        }
        return true;
      case 'nick':
        if (isMe(message.oldNick)) nick = message.newNick;
        return true;
      case 'current-room':
        // On the way back, the server says so of each room it puts us in, which the user
        // never chose and should not see: only where we end up, once all is done.
        if (restoring) {
          restoring.current = message.room;
          return false;
        }
        currentRoom = message.room ?? undefined;
        // After this notice is shown: lines held since before the first nickname go now.
        if (held.size > 0) setImmediate(() => held.release());
        return true;
      case 'pong':
        if (held.pong(message.ref)) return false;
        if (restoring && message.ref === restoring.ref) {
          currentRoom = restoring.current ?? undefined;
          restoring = undefined;
          showMessage({ type: 'current-room', room: currentRoom ?? null });
        }
        return false;
      case 'ack':
        outbox.settle(message.ref);
        return true;
      case 'error':
        if (message.ref !== null && message.ref === helloRef) return nickRefused(message);
        outbox.settle(message.ref);
        return true;
      default:
        return true;
    }
  };

  const nickRefused = (error: Extract<ServerMessage, { type: 'error' }>): boolean => {
    helloRef = undefined;
    showMessage(error);
    // Our previous connection may still hold the nickname until the server notices it is gone.
    if (
      error.code === 'NICK_TAKEN' &&
      everRegistered &&
      nickRetries++ < NICK_RETRIES_ON_RECONNECT
    ) {
      nick = `${nick}_`;
      hello();
    } else if (error.code === 'NICK_UNAVAILABLE') {
      // Nicknames cannot be checked for now (the server's cluster lost Redis): the same
      // nickname is asked for again shortly.
      show('*** Trying again in 5 seconds.');
      setTimeout(hello, NICK_UNAVAILABLE_RETRY_MS).unref();
    } else {
      show('*** Choose another nickname:');
    }
    return false;
  };

  const receive = (message: ServerMessage) => {
    if (!follow(message)) return;
    if (!registered) {
      // Before the welcome there is nothing to catch up: a notice, an error.
      showMessage(message);
      return;
    }
    const outcome = catchUp.receive(message);
    for (const next of outcome.send) request(next);
    for (const shown of outcome.show) showMessage(shown);
  };

  const open = () => {
    reconnectTimer = undefined;
    const link: ServerLink = new ServerLink(url, keepalive, {
      opened: () => {
        updatePrompt();
        show(`*** Connected to ${options.host}:${options.port}`);
        if (nick === undefined) show('*** What is your nickname?');
        else hello();
      },
      received: (message) => {
        receive(message);
        updatePrompt();
      },
      closed: (reason) => {
        if (server === link) server = undefined;
        if (quitting) {
          finish(0);
          return;
        }
        // Dropped halfway through a restore: what to restore has not changed.
        if (registered && !restoring) {
          restoreRooms = [...rooms];
          restoreCurrent = currentRoom;
        }
        restoring = undefined;
        helloRef = undefined;
        dropped = true;
        registered = false;
        catchUp.disconnected();
        rooms.length = 0;
        currentRoom = undefined;
        show(
          `!!! Disconnected from the server (${reason}). Reconnecting in ${Math.round(backoff / 1000)} s...`,
        );
        updatePrompt();
        // A room change cut short: what waited for it meets the offline client.
        held.dropped();
        reconnectTimer = setTimeout(open, backoff);
        backoff = Math.min(backoff * 2, maxBackoff);
      },
    });
    server = link;
  };

  const quit = (reason: string) => {
    if (quitting) return;
    quitting = true;
    clearTimeout(reconnectTimer);
    if (!server?.open) {
      server?.terminate();
      finish(0);
      return;
    }
    request({ type: 'quit', ...(reason ? { reason } : {}) });
    // If the server does not close on us promptly, we leave anyway.
    setTimeout(() => server?.terminate(), 2000).unref();
  };

  /** A line typed before the server has accepted a nickname. */
  const chooseNick = (line: string) => {
    const named = /^\/nick\s+(\S+)/i.exec(line);
    if (line.startsWith('/') && !named) {
      show('!!! Choose a nickname first: type it, or /nick NAME. (NICK_REQUIRED)');
      return;
    }
    const wanted = named ? named[1]! : line.trim();
    if (!wanted) return;
    nick = wanted;
    // Typed while still connecting, it goes with the hello once connected.
    if (connected()) hello();
  };

  screen.readline.on('line', (line) => {
    if (!held.hold(line)) handleLine(line);
  });

  function handleLine(line: string): void {
    if (isQuit(line)) {
      quit(line.replace(/^\/\S+\s*/, ''));
      return;
    }
    // A line typed while disconnected is a message that could not be sent, not a new
    // nickname, unless we have no nickname at all yet.
    if (!registered && helloRef === undefined && (connected() || nick === undefined)) {
      chooseNick(line);
      updatePrompt();
      return;
    }
    learningLobby = false;
    const action = parseInput(line, talkingIn());
    const online = registered && connected();
    // Text for the room is not sent while offline, whether or not we know which room it was.
    if (!online && action.kind === 'show' && !line.startsWith('/')) {
      notSent();
      return;
    }
    switch (action.kind) {
      case 'nothing':
        return;
      case 'show':
        for (const shown of action.lines) show(shown);
        return;
      case 'quit':
        quit(action.reason);
        return;
      case 'send':
        if (!online) notSent();
        else request(outbox.add(nick!, action.to, action.text, action.action));
        return;
      case 'request':
        if (!online) notSent();
        else if (action.message.type === 'history') request(catchUp.userHistory(action.message));
        else {
          request(action.message);
          if (action.message.type === 'join' || action.message.type === 'part') {
            const ping = newRef();
            held.roomChangeSent(ping);
            request({ type: 'ping', ref: ping });
          }
        }
        return;
    }
  }
  screen.readline.on('close', () => {
    if (!held.holdEnd()) quit('');
  });
  screen.readline.on('SIGINT', () => quit(''));
  // Without a terminal (input piped, or kill -INT) Ctrl-C is a signal to the process, not a key.
  const onSignal = () => quit('');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  updatePrompt();
  open();
  return finished.then((code) => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    screen.close();
    return code;
  });
}
