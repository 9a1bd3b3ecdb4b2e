/**
 * The line baseline: the thinnest Node broadcast server that speaks enough of the line door for
 * the same load generator. Raw `net` sockets, lines split by hand, `setNoDelay`, each message
 * encoded once, and each client's output of one event-loop turn written with one call (the
 * turn's messages joined once into a buffer that every client but their senders shares).
 *
 *   client: alice                   (the first line is the nickname, taken as it is)
 *   server: *** Now talking in #lobby
 *   client: hello
 *   others: <alice> hello
 *
 * No validation, no limits, no history, no backpressure, and joins are not announced: a floor
 * for what Node can do, not a chat server. (Announcing each join to everyone with a write per
 * socket per turn made a join storm quadratic in writes: 2,000 joins took 17 s.) Runs on its own too: `node dist/bench/bench/baseline-server.js [port]`.
 */
import { createServer, type Socket } from 'node:net';
import { serveServer } from './server-common.js';

const LF = 0x0a;
const CR = 0x0d;
const JOINED = Buffer.from('*** Now talking in #lobby\r\n');

class Peer {
  /** `<nick> `, once the nickname is known. */
  prefix: Buffer | undefined;
  rest: Buffer | undefined;
  /** Output for this peer alone (the reply to its nickname), written at the end of the turn. */
  own: Buffer[] = [];

  constructor(readonly socket: Socket) {}
}

const peers = new Set<Peer>();
/** This turn's broadcasts, in order, and who sent each. */
let turn: Buffer[] = [];
let turnFrom: Peer[] = [];
/** Peers with output of their own this turn. */
let dirty: Peer[] = [];
let flushing = false;

function schedule(): void {
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
}

function reply(peer: Peer, bytes: Buffer): void {
  if (peer.own.length === 0) dirty.push(peer);
  peer.own.push(bytes);
  schedule();
}

function broadcast(from: Peer, bytes: Buffer): void {
  turn.push(bytes);
  turnFrom.push(from);
  schedule();
}

/**
 * After every read of this turn: one write per peer. The turn's broadcasts are joined into one
 * buffer shared by every peer that sent none of them; a peer that did gets the others' only.
 */
function flush(): void {
  flushing = false;
  const messages = turn;
  const from = turnFrom;
  const replies = dirty;
  turn = [];
  turnFrom = [];
  dirty = [];
  const write = (peer: Peer, data: Buffer | undefined) => {
    const own = peer.own;
    if (own.length > 0) {
      peer.own = [];
      data = data ? Buffer.concat([...own, data]) : own.length === 1 ? own[0]! : Buffer.concat(own);
    }
    if (data && data.length > 0 && !peer.socket.destroyed) peer.socket.write(data);
  };
  if (messages.length === 0) {
    for (const peer of replies) write(peer, undefined);
    return;
  }
  const shared = messages.length === 1 ? messages[0]! : Buffer.concat(messages);
  const senders = new Set(from);
  for (const peer of peers) {
    if (!peer.prefix) continue;
    if (!senders.has(peer)) write(peer, shared);
    else write(peer, Buffer.concat(messages.filter((_, i) => from[i] !== peer)));
  }
}

function line(peer: Peer, bytes: Buffer): void {
  if (!peer.prefix) {
    const nick = bytes.toString('latin1');
    peer.prefix = Buffer.from(`<${nick}> `, 'latin1');
    reply(peer, JOINED);
    return;
  }
  // One buffer per message, shared by every receiver.
  const message = Buffer.allocUnsafe(peer.prefix.length + bytes.length + 2);
  peer.prefix.copy(message, 0);
  bytes.copy(message, peer.prefix.length);
  message[message.length - 2] = CR;
  message[message.length - 1] = LF;
  broadcast(peer, message);
}

function receive(peer: Peer, chunk: Buffer): void {
  const buf = peer.rest ? Buffer.concat([peer.rest, chunk]) : chunk;
  let start = 0;
  for (let nl = buf.indexOf(LF, start); nl >= 0; nl = buf.indexOf(LF, start)) {
    const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
    line(peer, buf.subarray(start, end));
    start = nl + 1;
  }
  peer.rest = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
}

/** Starts the baseline on `port` (0: the system picks); resolves with the bound port. */
function listen(port: number, host = '127.0.0.1'): Promise<number> {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    const peer = new Peer(socket);
    peers.add(peer);
    socket.on('data', (chunk: Buffer) => receive(peer, chunk));
    socket.on('error', () => {});
    socket.on('close', () => peers.delete(peer));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

const port = await listen(Number(process.argv[2] ?? 0));
// Started by the benchmark (with an IPC channel): report to it; otherwise just say where.
if (process.send) serveServer({ line: port });
else console.log(`line baseline listening on 127.0.0.1:${port}`);
