/**
 * Fan-out through the real server: the server runs in a child process (bench/server-worker.ts)
 * and this process is the load generator. `clients` line clients join #lobby; `senders` of
 * them send `bytes`-byte messages in a closed loop, each keeping at most `window` messages
 * that the observer (a client that only listens) has not yet received. Every message
 * line any client receives is one delivery. Afterwards every client must have received every
 * other sender's messages exactly once and in order.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { busyCores, cpuTimes } from './machine.js';
import { textPool } from './messages.js';
import type { ServerStore, WorkerMessage } from './server-worker.js';

export interface FanoutConfig {
  store: ServerStore;
  clients: number;
  senders: number;
  window: number;
  bytes: number;
  warmupMs: number;
  measureMs: number;
}

export interface FanoutResult {
  store: ServerStore;
  seconds: number;
  /** Message lines received by all clients during the measured interval, per second. */
  deliveriesPerSecond: number;
  /** Messages the server accepted and fanned out during the measured interval, per second. */
  messagesPerSecond: number;
  /** Over the whole run (warm-up included), after the drain. */
  sent: number;
  expected: number;
  received: number;
  /** Lines out of order, duplicated, missing, malformed, errors or early disconnects. */
  problems: string[];
  /** Event-loop utilisation over the measured interval (1 = never idle). */
  serverElu: number;
  clientElu: number;
  /** CPU time (user + system) over the measured interval, as a share of one core. */
  serverCpu: number;
  clientCpu: number;
  /** Cores' worth of CPU that other processes (and unattributed kernel work) used meanwhile. */
  otherCores: number;
  /** Messages per group commit, and the share of the server's time spent inside store.append. */
  messagesPerCommit: number;
  storeShare: number;
}

const LT = 0x3c; // '<'
const LF = 0x0a;
const JOINED = '*** Now talking in #lobby';
const SEQ_DIGITS = 8;

class Sender {
  sent = 0;
  acked = 0;
  stopped = true;

  constructor(
    readonly socket: Socket,
    private readonly window: number,
    private readonly fillers: readonly string[],
  ) {}

  start(): void {
    this.stopped = false;
    this.pump();
  }

  ack(seq: number): void {
    this.acked = seq;
    this.pump();
  }

  private pump(): void {
    if (this.stopped || this.sent - this.acked >= this.window) return;
    this.socket.cork();
    while (this.sent - this.acked < this.window) {
      const seq = ++this.sent;
      const filler = this.fillers[seq % this.fillers.length]!;
      this.socket.write(`${String(seq).padStart(SEQ_DIGITS, '0')} ${filler}\n`);
    }
    this.socket.uncork();
  }
}

class Tally {
  deliveries = 0;
  problems: string[] = [];
}

/**
 * One line client. Lines are scanned as bytes, without decoding: a message line is
 * `<sNN> SSSSSSSS filler` (sender NN, sequence number SSSSSSSS), everything else is a notice.
 */
class Client {
  readonly last: Int32Array;
  messages = 0;
  others = 0;
  joined = false;
  ended = false;
  onJoined: (() => void) | undefined;
  onMessage: ((sender: number, seq: number) => void) | undefined;
  private rest: Buffer | undefined;

  constructor(
    readonly nick: string,
    readonly socket: Socket,
    senders: number,
    private readonly lineLength: number,
    private readonly tally: Tally,
  ) {
    this.last = new Int32Array(senders);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.ended = true;
    });
  }

  private receive(chunk: Buffer): void {
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(LF, start); nl >= 0; nl = buf.indexOf(LF, start)) {
      this.line(buf, start, nl);
      start = nl + 1;
    }
    this.rest = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
  }

  private line(buf: Buffer, start: number, end: number): void {
    // Lines end in CRLF; `end` is the LF.
    if (buf[start] === LT && buf[start + 1] === 0x73 /* s */) {
      const sender = (buf[start + 2]! - 48) * 10 + (buf[start + 3]! - 48);
      let seq = 0;
      for (let i = start + 6; i < start + 6 + SEQ_DIGITS; i++) seq = seq * 10 + buf[i]! - 48;
      if (end - start !== this.lineLength || buf[start + 4] !== 0x3e /* > */) {
        this.problem(`malformed line ${JSON.stringify(buf.toString('latin1', start, end))}`);
      } else if (seq !== this.last[sender]! + 1) {
        this.problem(`from s${sender}: got #${seq} after #${this.last[sender]}`);
      }
      this.last[sender] = seq;
      this.messages++;
      this.tally.deliveries++;
      this.onMessage?.(sender, seq);
      return;
    }
    this.others++;
    const text = buf.toString('utf8', start, end).replace(/\r$/, '');
    if (!this.joined) {
      if (text === JOINED) {
        this.joined = true;
        this.onJoined?.();
      }
    } else if (text.startsWith('!!!')) {
      this.problem(`error line: ${text}`);
    }
  }

  private problem(text: string): void {
    if (this.tally.problems.length < 20) this.tally.problems.push(`${this.nick}: ${text}`);
  }
}

function startServer(store: ServerStore): Promise<{ child: ChildProcess; port: number }> {
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=prof", profiles the server under load.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = fork(fileURLToPath(new URL('./server-worker.js', import.meta.url)), [store], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...process.execArgv, ...nodeArgs],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server worker exited early (${code})`)));
    child.once('message', (message: WorkerMessage) => {
      if (message.type === 'listening') resolve({ child, port: message.port });
    });
  });
}

function request<T extends WorkerMessage['type']>(
  child: ChildProcess,
  command: string,
  type: T,
): Promise<Extract<WorkerMessage, { type: T }>> {
  return new Promise((resolve) => {
    const listener = (message: WorkerMessage) => {
      if (message.type === type) {
        child.off('message', listener);
        resolve(message as Extract<WorkerMessage, { type: T }>);
      }
    };
    child.on('message', listener);
    child.send(command);
  });
}

async function join(
  port: number,
  nick: string,
  senders: number,
  lineLength: number,
  tally: Tally,
): Promise<Client> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const client = new Client(nick, socket, senders, lineLength, tally);
  const joined = new Promise<void>((resolve, reject) => {
    client.onJoined = resolve;
    setTimeout(() => reject(new Error(`${nick} was not in #lobby after 10 s`)), 10_000).unref();
  });
  socket.write(`${nick}\n`);
  await joined;
  return client;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(test: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  return true;
}

export async function runFanout(config: FanoutConfig): Promise<FanoutResult> {
  if (config.senders > 100 || config.senders >= config.clients || config.bytes <= SEQ_DIGITS + 1) {
    throw new Error(
      'need at most 100 senders, at least one listener, and room for the sequence number',
    );
  }
  const { child, port } = await startServer(config.store);
  const tally = new Tally();
  const clients: Client[] = [];
  try {
    // "<sNN> " + the text + CR.
    const lineLength = 6 + config.bytes + 1;
    const fillers = textPool(1024, config.bytes - SEQ_DIGITS - 1);
    // Senders join first; the observer, whose receipts pace the senders, joins last.
    for (let i = 0; i < config.clients; i++) {
      const nick =
        i < config.senders
          ? `s${String(i).padStart(2, '0')}`
          : `r${String(i - config.senders).padStart(2, '0')}`;
      clients.push(await join(port, nick, config.senders, lineLength, tally));
    }
    const senders = clients
      .slice(0, config.senders)
      .map((client) => new Sender(client.socket, config.window, fillers));
    const observer = clients.at(-1)!;
    observer.onMessage = (sender, seq) => senders[sender]!.ack(seq);
    // Let the join notices settle before the clock starts.
    await sleep(200);

    for (const sender of senders) sender.start();
    await sleep(config.warmupMs);

    const before = {
      deliveries: tally.deliveries,
      time: performance.now(),
      elu: performance.eventLoopUtilization(),
      cpu: process.cpuUsage(),
      machine: cpuTimes(),
      server: await request(child, 'mark', 'mark'),
    };
    await sleep(config.measureMs);
    const server = await request(child, 'mark', 'mark');
    const machine = cpuTimes();
    const deliveries = tally.deliveries - before.deliveries;
    const ms = performance.now() - before.time;
    const clientElu = performance.eventLoopUtilization(before.elu).utilization;
    const clientCpu = process.cpuUsage(before.cpu);

    for (const sender of senders) sender.stopped = true;
    const sent = senders.reduce((sum, sender) => sum + sender.sent, 0);
    // Every message goes to every client but its sender.
    const expected = sent * (config.clients - 1);
    await until(() => tally.deliveries >= expected, 10_000);
    await sleep(100); // anything beyond the expected count would show up now

    const problems = [...tally.problems];
    for (const [index, client] of clients.entries()) {
      if (client.ended) problems.push(`${client.nick} was disconnected during the run`);
      for (const [s, sender] of senders.entries()) {
        const want = s === index ? 0 : sender.sent;
        if (client.last[s] !== want) {
          problems.push(`${client.nick} saw s${s} up to #${client.last[s]}, expected #${want}`);
        }
      }
    }
    if (tally.deliveries !== expected) {
      problems.push(`received ${tally.deliveries} deliveries, expected ${expected}`);
    }

    const elapsed = server.elu;
    const serverElu =
      (elapsed.active - before.server.elu.active) /
      (elapsed.active - before.server.elu.active + elapsed.idle - before.server.elu.idle);
    const serverCpu = (server.cpuMs - before.server.cpuMs) / ms;
    const clientShare = (clientCpu.user + clientCpu.system) / 1000 / ms;
    return {
      store: config.store,
      seconds: ms / 1000,
      deliveriesPerSecond: (deliveries / ms) * 1000,
      messagesPerSecond: (deliveries / (config.clients - 1) / ms) * 1000,
      sent,
      expected,
      received: tally.deliveries,
      problems: problems.slice(0, 20),
      serverElu,
      clientElu,
      serverCpu,
      clientCpu: clientShare,
      otherCores: busyCores(before.machine, machine, ms) - serverCpu - clientShare,
      messagesPerCommit:
        (server.stored - before.server.stored) / (server.batches - before.server.batches),
      storeShare: (server.storeMs - before.server.storeMs) / ms,
    };
  } finally {
    for (const client of clients) client.socket.destroy();
    child.removeAllListeners('exit');
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.connected) child.send('stop');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill();
    }
  }
}
