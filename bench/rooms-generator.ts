/**
 * The load generator of the rooms scenario (bench/rooms.ts): a child process holding some of
 * its clients (client i of n goes to generator i % generators), driven over the same calls as
 * bench/generator.ts (join, mark, settle, close) plus its own. Arguments: JSON of
 * RoomsGeneratorConfig.
 *
 * Every client is in #lobby and in room `#r<k>`, k = floor(i / roomSize), and every client
 * sends (all are named `s00000`, `s00001`, … so the doors' parsers read the sender's number).
 * Message k of the scenario is sent by client k % clients at t0 + k / rate ms (open loop), to
 * its room only. Its text is bench/generator.ts's: `SSSSSSSS TTTTTTTTTTTTTTTT filler`, the
 * sender's sequence number and the send time in µs on the shared clock (bench/clock.ts).
 *
 * Each receiver checks that it hears only its room's members, each one's messages in order
 * and once; deliveries of messages sent in the measured interval go into a latency histogram
 * and are counted per message, so the orchestrator can check each reached all its room's
 * other members exactly once.
 */
import { clock } from './clock.js';
import type { DoorClient, Sink } from './doors.js';
import type { GeneratorConfig, GeneratorMark, JoinResult } from './generator.js';
import { generatorMark, joinAll, untilQuiet } from './generator-common.js';
import { readNumber, textPool } from './messages.js';
import { roomDoor } from './room-doors.js';
import { serve } from './rpc.js';
import { Histogram } from './stats.js';

export interface RoomsGeneratorConfig extends GeneratorConfig {
  roomSize: number;
}

export interface RoomsResult {
  histogram: Uint32Array;
  /** Per message sent in the measured interval and heard here: [sender, seq, deliveries]. */
  messages: Array<[sender: number, seq: number, count: number]>;
  /** Per sender of this generator: messages sent in all, and the first and last measured. */
  sent: Array<[sender: number, total: number, from: number, to: number]>;
  /** Per client of this generator: the last seq heard from each member of its room, in order. */
  last: Array<[client: number, last: number[]]>;
  /** Deliveries of a message already had (or after a later one from the same sender). */
  repeats: number;
  problems: string[];
}

export type RoomsGeneratorApi = {
  join(params: { concurrency: number; timeoutMs: number }): Promise<JoinResult>;
  mark(): GeneratorMark;
  settle(params: { quietMs: number; timeoutMs: number }): Promise<GeneratorMark>;
  /** Sends on the schedule above from `t0` until `until`; measures messages sent from `since`. */
  roomsStart(params: { t0: number; rate: number; since: number; until: number }): void;
  roomsResult(): RoomsResult;
  close(): void;
};

const config = JSON.parse(process.argv[2] ?? '{}') as RoomsGeneratorConfig;
const SEQ_DIGITS = 8;
const TIME_DIGITS = 16;
const HEADER = SEQ_DIGITS + 1 + TIME_DIGITS + 1;
const fillers = textPool(1024, config.bytes - HEADER);

const nick = (index: number) => `s${String(index).padStart(5, '0')}`;
const roomOf = (index: number) => Math.floor(index / config.roomSize);

function text(seq: number, time: number): string {
  const us = String(Math.round(time * 1000)).padStart(TIME_DIGITS, '0');
  return `${String(seq).padStart(SEQ_DIGITS, '0')} ${us} ${fillers[seq % fillers.length]}`;
}

let deliveries = 0;
let repeats = 0;
let lastDataAt = 0;
let since = Number.POSITIVE_INFINITY;
const histogram = new Histogram();
/** Deliveries here of each measured message, by sender * 1e8 + seq. */
const arrivals = new Map<number, number>();
const problems: string[] = [];
const problem = (line: string) => {
  if (problems.length < 20) problems.push(line);
};

class Client implements Sink {
  connection: DoorClient | undefined;
  readonly first: number;
  /** The last seq heard from each member of the room (by index - first). */
  readonly last: Int32Array;
  sent = 0;
  measuredFrom = 0;
  measuredTo = 0;
  ended = false;
  private onJoined: (() => void) | undefined;

  constructor(readonly index: number) {
    this.first = roomOf(index) * config.roomSize;
    this.last = new Int32Array(Math.min(config.roomSize, config.clients - this.first));
  }

  async join(timeoutMs: number): Promise<void> {
    const room = `#r${roomOf(this.index)}`;
    const door = roomDoor(config.door, room);
    this.connection = await door.connect(config.ports[this.index % config.ports.length]!, this);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not in ${room} after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.onJoined = () => {
        clearTimeout(timer);
        resolve();
      };
      this.connection!.register(nick(this.index));
    });
  }

  joined(): void {
    lastDataAt = clock();
    this.onJoined?.();
  }

  chat(sender: number, buf: Buffer, start: number, end: number, at: number): void {
    deliveries++;
    lastDataAt = at;
    const member = sender - this.first;
    if (end - start !== config.bytes || member < 0 || member >= this.last.length) {
      problem(`${nick(this.index)}: from ${nick(sender)}, not of its room, or malformed`);
      return;
    }
    const seq = readNumber(buf, start, SEQ_DIGITS);
    if (seq !== this.last[member]! + 1) {
      if (seq <= this.last[member]!) repeats++;
      problem(`${nick(this.index)}: from ${nick(sender)} got #${seq} after #${this.last[member]}`);
    }
    this.last[member] = seq;
    const sentAt = readNumber(buf, start + SEQ_DIGITS + 1, TIME_DIGITS) / 1000;
    if (sentAt < since) return;
    histogram.record((at - sentAt) * 1000);
    const key = sender * 1e8 + seq;
    arrivals.set(key, (arrivals.get(key) ?? 0) + 1);
  }

  notice(at: number): void {
    lastDataAt = at;
  }

  error(line: string): void {
    problem(`${nick(this.index)}: ${line}`);
  }

  closed(): void {
    this.ended = true;
  }
}

const clients: Client[] = [];
for (let i = config.index; i < config.clients; i += config.generators) clients.push(new Client(i));
const byIndex = new Map(clients.map((client) => [client.index, client]));

function mark(): GeneratorMark {
  return generatorMark(deliveries, lastDataAt);
}

let timer: NodeJS.Timeout | undefined;

serve<RoomsGeneratorApi>(
  {
    join({ concurrency, timeoutMs }) {
      return joinAll(clients, concurrency, timeoutMs, nick);
    },

    mark,

    async settle({ quietMs, timeoutMs }) {
      await untilQuiet(() => lastDataAt, quietMs, timeoutMs);
      return mark();
    },

    roomsStart({ t0, rate, since: from, until }) {
      since = from;
      const interval = 1000 / rate;
      let k = 0;
      const tick = () => {
        const now = clock();
        // Open loop: whatever fell due since the last tick goes now.
        for (; t0 + k * interval <= now && t0 + k * interval < until; k++) {
          const client = byIndex.get(k % config.clients);
          if (!client) continue;
          const time = Math.round(clock() * 1000) / 1000; // as the receivers will read it
          const seq = ++client.sent;
          if (time >= since) {
            client.measuredFrom ||= seq;
            client.measuredTo = seq;
          }
          client.connection!.send([text(seq, time)]);
        }
        const next = t0 + k * interval;
        if (next < until) timer = setTimeout(tick, Math.max(0, next - clock()));
      };
      timer = setTimeout(tick, Math.max(0, t0 - clock()));
    },

    roomsResult() {
      clearTimeout(timer);
      const found = [...problems];
      for (const client of clients) {
        if (client.ended) found.push(`${nick(client.index)} was disconnected during the run`);
      }
      return {
        histogram: histogram.counts,
        messages: [...arrivals.entries()].map(([key, count]) => [
          Math.floor(key / 1e8),
          key % 1e8,
          count,
        ]),
        sent: clients.map((c) => [c.index, c.sent, c.measuredFrom, c.measuredTo]),
        last: clients.map((client) => [client.index, [...client.last]]),
        repeats,
        problems: found.slice(0, 20),
      };
    },

    close() {
      for (const client of clients) client.connection?.close();
      setTimeout(() => process.exit(0), 50);
    },
  },
  { clients: clients.length },
);
