import { connect, type Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { foldCase } from '../core/names.js';
import { LineSplitter } from '../net/line-splitter.js';
import { CatchUp } from './catch-up.js';
import { colorize, palette } from './colors.js';
import { Screen } from './screen.js';

export interface ClientOptions {
  host: string;
  port: number;
  nick: string | undefined;
  color: boolean;
  input?: Readable;
  output?: Writable;
  /** First and longest pause between reconnection attempts. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

// Server lines are bounded by the server's own limits; this only guards against a rogue server.
const MAX_SERVER_LINE_BYTES = 64 * 1024;
const NICK_RETRIES_ON_RECONNECT = 3;

/**
 * The terminal client: keyboard and socket at once, over the line door. It follows the
 * server's notices (docs/protocols/line.md) to know its nickname, rooms and current room,
 * which is what lets it put you back where you were after a reconnect; and, with message ids
 * on (see CatchUp), show you what was said there meanwhile, once.
 */
export function runClient(options: ClientOptions): Promise<number> {
  const output = options.output ?? process.stdout;
  const screen = new Screen(options.input ?? process.stdin, output);
  const colors = palette(options.color);
  const minBackoff = options.minBackoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 30_000;

  let nick = options.nick;
  let socket: Socket | undefined;
  let registered = false;
  let everRegistered = false;
  let nickRetries = 0;
  let quitting = false;
  let backoff = minBackoff;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let currentRoom: string | undefined;
  const rooms: string[] = [];
  // What to restore after a reconnect: the rooms and current room before the connection dropped.
  let restoreRooms: string[] = [];
  let restoreCurrent: string | undefined;
  let restorePending = false;
  // Rooms asked back after a reconnect that the server has not put us in yet.
  const rejoining = new Set<string>();
  // The room a restore ends up talking in, until the server says so: on the way there it
  // says so of each room it puts us in, which the user never chose and should not see.
  let restoringTo: string | undefined;
  // Whether a connection (or an attempt at one) has ended: until then we are connecting.
  let dropped = false;

  const updatePrompt = () => {
    if (!connected()) screen.setPrompt(dropped ? '(disconnected)> ' : '(connecting)> ');
    else screen.setPrompt(registered ? `${currentRoom ?? ''}> ` : 'nickname> ');
  };

  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const connected = () => socket !== undefined && !socket.destroyed && !socket.connecting;
  const show = (line: string) => screen.print(colorize(line, colors));

  const send = (line: string) => {
    if (!socket || !connected()) {
      screen.print(colors.error('!!! Not connected; that was not sent.'));
      return;
    }
    socket.write(`${line}\n`);
  };

  const catchUp = new CatchUp({ show, send, currentRoom: () => currentRoom });

  // The notices the client follows, from docs/protocols/line.md. A follower returns false
  // for a notice the user is not to see.
  const followers: Array<[RegExp, (match: RegExpExecArray) => unknown]> = [
    [
      /^\*\*\* Welcome to .*, (\S+)! Type \/help/,
      (match) => {
        registered = true;
        // The server's word, not our guess: a line typed while registering may not have been it.
        nick = match[1];
        backoff = minBackoff;
        nickRetries = 0;
        restorePending = everRegistered;
        everRegistered = true;
        catchUp.requestIds();
        // The server puts us in its lobby and shows its latest messages before we can ask for
        // anything: in a room we are about to resume, they wait for what we missed before them.
        if (restorePending) for (const room of restoreRooms) catchUp.hold(room);
      },
    ],
    [
      /^\*\*\* Now talking in (#\S+)$/,
      (match) => {
        currentRoom = match[1];
        // Only once the server has put us in its lobby do we know which rooms to leave again.
        if (restorePending) {
          restorePending = false;
          restorePlace();
          return restoringTo === undefined;
        }
        if (restoringTo === undefined) return true;
        if (foldCase(match[1]!) !== foldCase(restoringTo)) return false;
        restoringTo = undefined;
        return true;
      },
    ],
    [
      /^\*\*\* You are not in any room now/,
      () => {
        currentRoom = undefined;
      },
    ],
    [
      /^\*\*\* You joined (#\S+)$/,
      (match) => {
        if (!rooms.includes(match[1]!)) rooms.push(match[1]!);
        rejoining.delete(match[1]!);
      },
    ],
    [
      /^\*\*\* You left (#\S+)/,
      (match) => {
        const index = rooms.indexOf(match[1]!);
        if (index !== -1) rooms.splice(index, 1);
      },
    ],
    [
      /^\*\*\* You are now known as (\S+)$/,
      (match) => {
        nick = match[1];
      },
    ],
    [
      /\(NICK_TAKEN\)$/,
      () => {
        // Our previous connection may still hold the nickname until the server notices it is gone.
        if (!registered && everRegistered && nick && nickRetries++ < NICK_RETRIES_ON_RECONNECT) {
          nick = `${nick}_`;
          send(nick);
        }
      },
    ],
  ];

  /** Follows a line from the server; false if it is not for the user to see. */
  const followServer = (line: string): boolean => {
    let shown = true;
    for (const [pattern, follow] of followers) {
      const match = pattern.exec(line);
      if (match) {
        shown = follow(match) !== false;
        break;
      }
    }
    updatePrompt();
    return shown;
  };

  const restorePlace = () => {
    // A room where we had seen messages is resumed (which joins it too): everything said there
    // since comes once, then the live stream. The server makes each room it puts us in the
    // current one, so the one to end up in goes last; the lobby, if it is to be left, is left
    // after that, when it is no longer the current room.
    const current = restoreCurrent;
    const others = restoreRooms.filter((room) => room !== current);
    for (const room of [...others, ...(current ? [current] : [])]) {
      const member = rooms.includes(room);
      if (!member) rejoining.add(room);
      const resumed = catchUp.resume(room);
      // Already in it (the lobby), the current room must be asked for by name: that is what
      // makes the server say we are talking there, which ends the restore.
      if ((!resumed && !member) || (member && room === current)) send(`/join ${room}`);
    }
    for (const room of rooms) if (!restoreRooms.includes(room)) send(`/part ${room}`);
    restoringTo = current;
  };

  const open = () => {
    reconnectTimer = undefined;
    const splitter = new LineSplitter({
      maxLineBytes: MAX_SERVER_LINE_BYTES,
      maxUnterminatedBytes: MAX_SERVER_LINE_BYTES,
    });
    const decoder = new TextDecoder();
    let closeReason = 'connection closed';
    const connection = connect({ host: options.host, port: options.port });
    socket = connection;
    connection.setNoDelay(true);
    connection.on('connect', () => {
      updatePrompt();
      screen.print(colors.notice(`*** Connected to ${options.host}:${options.port}`));
      if (nick) connection.write(`${nick}\n`);
    });
    connection.on('data', (chunk: Buffer) => {
      for (const item of splitter.push(chunk)) {
        if (item.kind !== 'line') continue;
        const line = decoder.decode(item.bytes);
        if (followServer(line)) catchUp.receive(line);
      }
    });
    connection.on('error', (error: NodeJS.ErrnoException) => {
      closeReason = error.code === 'ECONNREFUSED' ? 'connection refused' : error.message;
    });
    connection.on('close', () => {
      if (socket === connection) socket = undefined;
      if (quitting) {
        finish(0);
        return;
      }
      // Dropped halfway through a restore: what to restore has not changed, and rooms asked
      // back but not rejoined yet still count (as does the current room we were going back to).
      if (registered && !restorePending) {
        restoreRooms = [...rooms, ...[...rejoining].filter((room) => !rooms.includes(room))];
        if (rejoining.size === 0) restoreCurrent = currentRoom;
      }
      rejoining.clear();
      restoringTo = undefined;
      dropped = true;
      registered = false;
      catchUp.disconnected();
      rooms.length = 0;
      currentRoom = undefined;
      screen.print(
        colors.error(
          `!!! Disconnected from the server (${closeReason}). Reconnecting in ${Math.round(backoff / 1000)} s...`,
        ),
      );
      updatePrompt();
      reconnectTimer = setTimeout(open, backoff);
      backoff = Math.min(backoff * 2, maxBackoff);
    });
  };

  const quit = (reason: string) => {
    if (quitting) return;
    quitting = true;
    clearTimeout(reconnectTimer);
    if (!socket || socket.destroyed) {
      finish(0);
      return;
    }
    socket.write(`/quit${reason ? ` ${reason}` : ''}\n`);
    // If the server does not close on us promptly, we leave anyway.
    setTimeout(() => socket?.destroy(), 2000).unref();
  };

  screen.readline.on('line', (line) => {
    if (/^\/(quit|exit|bye)(\s|$)/i.test(line)) {
      quit(line.replace(/^\/\S+\s*/, ''));
      return;
    }
    if (/^\/ids(\s|$)/i.test(line)) {
      // Turning them off would leave the client unable to catch up after a reconnect.
      show('*** This client keeps message ids on (to catch up after a reconnect) and hides them.');
      return;
    }
    // A line typed while disconnected is a message that could not be sent, not a new nickname,
    // unless we have no nickname at all yet.
    if (!registered && !line.startsWith('/') && (connected() || nick === undefined)) {
      const wanted = line.trim();
      if (!wanted) return;
      nick = wanted;
    }
    // What the user asks for is theirs to see, even if the restore has not ended as expected
    // (say, its last room could not be joined).
    restoringTo = undefined;
    if (line.length > 0) send(line);
    updatePrompt();
  });
  screen.readline.on('close', () => quit(''));
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
