/**
 * A load generator: a child process holding some of a scenario's clients (client i of n goes
 * to generator i % generators, and connects to node i % nodes), driven by the orchestrator
 * (bench/scenarios.ts). Arguments: JSON of GeneratorConfig.
 *
 * Clients are numbered; the first `senders` are senders, named `s00000`, `s00001`, …, the rest
 * receivers `r00010`, …. The text of every chat message is
 *
 *   SSSSSSSS TTTTTTTTTTTTTTTT filler…
 *
 * with S the sender's sequence number (1, 2, …) and T the send time in microseconds on the
 * shared clock (bench/clock.ts), padded to exactly `bytes` bytes.
 *
 * Modes:
 *  - fanout: senders send in a closed loop, each with at most `window` messages that some
 *    client of this generator has not yet received (with one generator: that some receiver
 *    has not yet received); every client checks that each sender's messages arrive exactly
 *    once and in order;
 *  - latency: senders send on a fixed schedule (open loop); each delivery's latency goes into
 *    a histogram and each message's last arrival is kept, for the time until every receiver
 *    has it;
 *  - idle: deliveries are only counted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { clock } from './clock.js';
import { DOORS, type DoorClient, type Sink } from './doors.js';
import {
  type GeneratorMark,
  generatorMark,
  type JoinResult,
  joinAll,
  untilQuiet,
} from './generator-common.js';
import { readNumber, textPool } from './messages.js';
import { serve } from './rpc.js';
import { Histogram } from './stats.js';

export interface GeneratorConfig {
  door: string;
  /** The door's port on each node of the server under test. */
  ports: number[];
  /** This generator's number and how many there are. */
  index: number;
  generators: number;
  /** Clients in the whole scenario (over all generators), and how many of them send. */
  clients: number;
  senders: number;
  /** Bytes of message text. */
  bytes: number;
}

export type { GeneratorMark, JoinResult };

export interface VerifyResult {
  received: number;
  expected: number;
  /** Messages that came again (or late): not after the last one seen from their sender. */
  repeats: number;
  problems: string[];
}

export interface LatencyResult {
  histogram: Uint32Array;
  /** Per message (sender, seq): send time, deliveries seen here, last arrival here. */
  messages: Array<[sender: number, seq: number, sentAt: number, count: number, lastAt: number]>;
  /** Per sender of this generator: the first and last of its messages sent after `since`. */
  sent: Array<[sender: number, from: number, to: number]>;
  problems: string[];
}

export type GeneratorApi = {
  /** Connects this generator's clients, `concurrency` at a time, each waiting for its join. */
  join(params: { concurrency: number; timeoutMs: number }): Promise<JoinResult>;
  mark(): GeneratorMark;
  /** Resolves once nothing has arrived for `quietMs` (or after `timeoutMs`). */
  settle(params: { quietMs: number; timeoutMs: number }): Promise<GeneratorMark>;
  fanoutStart(params: { window: number }): void;
  /** Stops sending; returns how many messages each of this generator's senders sent. */
  fanoutStop(): Array<[sender: number, sent: number]>;
  /** Waits for every message of `sent` (all generators' senders) to arrive, then checks. */
  verify(params: { sent: number[]; timeoutMs: number }): Promise<VerifyResult>;
  /**
   * Sends message k of the whole scenario at t0 + k / rate ms (k = 0, 1, …; from sender
   * k % senders) until `until`; deliveries of messages sent before `since` are not counted.
   */
  latencyStart(params: { t0: number; rate: number; since: number; until: number }): void;
  latencyResult(): LatencyResult;
  close(): void;
};

const config = JSON.parse(process.argv[2] ?? '{}') as GeneratorConfig;
const door = DOORS[config.door];
if (!door) throw new Error(`no door ${config.door}`);

const SEQ_DIGITS = 8;
const TIME_DIGITS = 16;
const HEADER = SEQ_DIGITS + 1 + TIME_DIGITS + 1;
if (config.bytes < HEADER + 1) throw new Error(`messages need at least ${HEADER + 1} bytes`);
const fillers = textPool(1024, config.bytes - HEADER);

let mode: 'idle' | 'fanout' | 'latency' = 'idle';
let deliveries = 0;
let repeats = 0;
let lastDataAt = 0;
const problems: string[] = [];
const problem = (text: string) => {
  if (problems.length < 20) problems.push(text);
};

function nick(index: number): string {
  return `${index < config.senders ? 's' : 'r'}${String(index).padStart(5, '0')}`;
}

function text(seq: number, time = clock()): string {
  const us = String(Math.round(time * 1000)).padStart(TIME_DIGITS, '0');
  return `${String(seq).padStart(SEQ_DIGITS, '0')} ${us} ${fillers[seq % fillers.length]}`;
}

class Sender {
  sent = 0;
  acked = 0;
  running = false;
  window = 1;
  /** Latency mode: the first and last message sent after `since`. */
  measuredFrom = 0;
  measuredTo = 0;

  constructor(
    readonly index: number,
    readonly client: Client,
  ) {}

  private pumping = false;

  /** Deliveries of each message in flight so far, by seq % window; and how many make it whole. */
  private arrived = new Int32Array(1);
  receivers = 0;

  reset(window: number, receivers: number): void {
    this.window = window;
    this.arrived = new Int32Array(window);
    this.receivers = receivers;
  }

  /** A client of this generator received message `seq` (they arrive in order at each client). */
  delivered(seq: number): void {
    const slot = seq % this.window;
    if (++this.arrived[slot]! < this.receivers) return;
    // Every client here has it. Each client receives in order, so messages complete in order.
    this.arrived[slot] = 0;
    this.ack(seq);
  }

  /**
   * Message `seq` has reached everyone. Sending waits until the whole chunk being read has
   * been handled, so that one chunk's acks lead to one write, not one per message.
   */
  private ack(seq: number): void {
    this.acked = seq;
    if (!this.pumping) {
      this.pumping = true;
      process.nextTick(this.pumpLater);
    }
  }

  private readonly pumpLater = () => {
    this.pumping = false;
    this.pump();
  };

  pump(): void {
    if (!this.running || this.sent - this.acked >= this.window) return;
    const texts: string[] = [];
    while (this.sent - this.acked < this.window) texts.push(text(++this.sent));
    this.client.connection!.send(texts);
  }
}

/** Latency bookkeeping for one message, over this generator's receivers. */
interface Arrivals {
  sentAt: number;
  count: number;
  lastAt: number;
}

const histogram = new Histogram();
const arrivals = new Map<number, Arrivals>();
let since = Number.POSITIVE_INFINITY;

class Client implements Sink {
  connection: DoorClient | undefined;
  readonly last: Int32Array;
  isJoined = false;
  ended = false;
  private onJoined: (() => void) | undefined;

  constructor(readonly index: number) {
    this.last = new Int32Array(config.senders);
  }

  async join(timeoutMs: number): Promise<void> {
    this.connection = await door!.connect(config.ports[this.index % config.ports.length]!, this);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not in #lobby after ${timeoutMs} ms`)),
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
    this.isJoined = true;
    lastDataAt = clock();
    this.onJoined?.();
  }

  chat(sender: number, buf: Buffer, start: number, end: number, at: number): void {
    deliveries++;
    lastDataAt = at;
    if (mode === 'fanout') {
      const seq = readNumber(buf, start, SEQ_DIGITS);
      if (end - start !== config.bytes || sender >= config.senders) {
        problem(
          `${nick(this.index)}: malformed ${JSON.stringify(buf.toString('latin1', start, end))}`,
        );
        return;
      }
      if (seq !== this.last[sender]! + 1) {
        if (seq <= this.last[sender]!) repeats++;
        problem(
          `${nick(this.index)}: from ${nick(sender)} got #${seq} after #${this.last[sender]}`,
        );
      }
      this.last[sender] = seq;
      bySender[sender]?.delivered(seq);
    } else if (mode === 'latency') {
      const seq = readNumber(buf, start, SEQ_DIGITS);
      const sentUs = readNumber(buf, start + SEQ_DIGITS + 1, TIME_DIGITS);
      const sentAt = sentUs / 1000;
      if (sentAt < since) return;
      histogram.record((at - sentAt) * 1000);
      const key = sender * 1e8 + seq;
      const seen = arrivals.get(key);
      if (seen) {
        seen.count++;
        if (at > seen.lastAt) seen.lastAt = at;
      } else arrivals.set(key, { sentAt, count: 1, lastAt: at });
    }
  }

  notice(at: number): void {
    lastDataAt = at;
  }

  error(text: string): void {
    problem(`${nick(this.index)}: ${text}`);
  }

  closed(): void {
    this.ended = true;
  }
}

const clients: Client[] = [];
for (let i = config.index; i < config.clients; i += config.generators) clients.push(new Client(i));
const senders = new Map<number, Sender>();
for (const client of clients) {
  if (client.index < config.senders) senders.set(client.index, new Sender(client.index, client));
}
/** This generator's senders by sender number (most are elsewhere when there are several). */
const bySender: Array<Sender | undefined> = Array.from({ length: config.senders }, (_, i) =>
  senders.get(i),
);

function mark(): GeneratorMark {
  return generatorMark(deliveries, lastDataAt);
}

let latencyTimer: NodeJS.Timeout | undefined;

serve<GeneratorApi>(
  {
    join({ concurrency, timeoutMs }) {
      return joinAll(clients, concurrency, timeoutMs, nick);
    },

    mark,

    async settle({ quietMs, timeoutMs }) {
      await untilQuiet(() => lastDataAt, quietMs, timeoutMs);
      return mark();
    },

    fanoutStart({ window }) {
      mode = 'fanout';
      for (const sender of senders.values()) {
        // Every client of this generator but the sender itself.
        sender.reset(window, clients.length - 1);
        sender.running = true;
        sender.pump();
      }
    },

    fanoutStop() {
      for (const sender of senders.values()) sender.running = false;
      return [...senders.values()].map((sender) => [sender.index, sender.sent]);
    },

    async verify({ sent, timeoutMs }) {
      // Every message goes to every client but its sender.
      let expected = 0;
      for (const client of clients) {
        for (const [s, n] of sent.entries()) if (s !== client.index) expected += n;
      }
      const deadline = clock() + timeoutMs;
      while (deliveries < expected && clock() < deadline) await sleep(10);
      await sleep(100); // anything beyond the expected count would show up now
      const found = [...problems];
      for (const client of clients) {
        if (client.ended) found.push(`${nick(client.index)} was disconnected during the run`);
        for (const [s, n] of sent.entries()) {
          const want = s === client.index ? 0 : n;
          if (client.last[s] !== want) {
            found.push(
              `${nick(client.index)} saw ${nick(s)} up to #${client.last[s]}, expected #${want}`,
            );
          }
        }
      }
      if (deliveries !== expected)
        found.push(`received ${deliveries} deliveries, expected ${expected}`);
      return { received: deliveries, expected, repeats, problems: found.slice(0, 20) };
    },

    latencyStart({ t0, rate, since: from, until }) {
      mode = 'latency';
      since = from;
      const interval = 1000 / rate;
      const mine = [...senders.values()];
      // Sender s sends the scenario's messages s, s + senders, s + 2 × senders, …
      const due = (sender: Sender) => t0 + (sender.sent * config.senders + sender.index) * interval;
      const tick = () => {
        const now = clock();
        let next = Number.POSITIVE_INFINITY;
        for (const sender of mine) {
          // Open loop: a sender that fell behind catches up at once.
          for (let at = due(sender); at <= now && at < until; at = due(sender)) {
            // To the microsecond, as the receivers will read it.
            const time = Math.round(clock() * 1000) / 1000;
            const seq = ++sender.sent;
            if (time >= since) {
              sender.measuredFrom ||= seq;
              sender.measuredTo = seq;
            }
            sender.client.connection!.send([text(seq, time)]);
          }
          const at = due(sender);
          if (at < until) next = Math.min(next, at);
        }
        if (next < Number.POSITIVE_INFINITY) {
          latencyTimer = setTimeout(tick, Math.max(0, next - clock()));
        }
      };
      if (mine.length > 0) latencyTimer = setTimeout(tick, Math.max(0, t0 - clock()));
    },

    latencyResult() {
      clearTimeout(latencyTimer);
      return {
        histogram: histogram.counts,
        messages: [...arrivals.entries()].map(([key, a]) => [
          Math.floor(key / 1e8),
          key % 1e8,
          a.sentAt,
          a.count,
          a.lastAt,
        ]),
        sent: [...senders.values()]
          .filter((sender) => sender.measuredFrom > 0)
          .map((sender) => [sender.index, sender.measuredFrom, sender.measuredTo]),
        problems: [...problems],
      };
    },

    close() {
      for (const client of clients) client.connection?.close();
      setTimeout(() => process.exit(0), 50);
    },
  },
  { clients: clients.length },
);
