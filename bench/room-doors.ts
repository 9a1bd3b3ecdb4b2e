/**
 * The doors of bench/doors.ts for a client in two rooms (the rooms scenario, bench/rooms.ts):
 * it joins #lobby as every client does, then one room of its own, and talks in that room.
 * Built on the same tcpLineDoor and tcpWsDoor, with the same chat parsers, so the per-delivery
 * cost on the generator's side is the one the other scenarios pay.
 */
import {
  angleChat,
  type Door,
  ircRoomPrivmsg,
  jsonChat,
  PING,
  tcpLineDoor,
  tcpWsDoor,
} from './doors.js';

/** Not a benchmark text (those start with digits): the json-ws client's join of its room. */
const JOIN = '\u0000join';

/**
 * A door whose clients join #lobby and then `room`, which becomes their current room, and send
 * every message to `room`; `joined` is heard once the server confirms `room`. By door name, as
 * in DOORS: 'line', 'irc' (chatroom's IRC door and ngIRCd) and 'json-ws'.
 */
export function roomDoor(door: string, room: string): Door {
  switch (door) {
    case 'line': {
      // Plain text goes to the current room, which `/join` makes `room`: its messages then
      // come as `<nick> text`, those of #lobby (none are sent) as `[#lobby] <nick> text`.
      const talking = `*** Now talking in ${room}`;
      return tcpLineDoor('line', {
        register: (nick) => `${nick}\n/join ${room}\n`,
        message: (text) => `${text}\n`,
        joined: (line) => line === talking,
        chat: angleChat,
      });
    }
    case 'irc': {
      const namesEnd = new RegExp(` 366 \\S+ ${room} `);
      return tcpLineDoor('irc', {
        register: (nick) =>
          `NICK ${nick}\r\nUSER ${nick} 0 * :${nick}\r\nJOIN #lobby\r\nJOIN ${room}\r\n`,
        message: (text) => `PRIVMSG ${room} :${text}\r\n`,
        joined: (line) => namesEnd.test(line),
        chat: ircRoomPrivmsg(room),
        error: (line) =>
          /^:\S+ [45]\d\d /.test(line) || line.startsWith('ERROR') || line.includes(' FAIL '),
        answer: (buf, start, end) =>
          buf.compare(PING, 0, PING.length, start, Math.min(start + PING.length, end)) === 0
            ? `PONG ${buf.toString('utf8', start + PING.length, end)}\r\n`
            : undefined,
      });
    }
    case 'json-ws': {
      // The hello joins #lobby; `register` then sends a join of `room` in a frame of its own
      // (JOIN below stands for it in `send`, which frames each text separately).
      const current = JSON.stringify({ type: 'current-room', room });
      const join = JSON.stringify({ type: 'join', room });
      const inner = tcpWsDoor('json-ws', {
        path: '/ws',
        register: (nick) => JSON.stringify({ type: 'hello', nick }),
        message: (text) =>
          text === JOIN ? join : JSON.stringify({ type: 'send', to: room, text }),
        joined: (text) => text === current,
        chat: jsonChat,
        error: (text) => text.startsWith('{"type":"error"'),
      });
      return {
        name: inner.name,
        async connect(port, sink, from) {
          const client = await inner.connect(port, sink, from);
          return {
            ...client,
            register: (nick) => {
              client.register(nick);
              client.send([JOIN]);
            },
          };
        },
      };
    }
    default:
      throw new Error(`the rooms scenario has no client for door ${door}`);
  }
}
