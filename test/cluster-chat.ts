import pg from 'pg';
import { expect } from 'vitest';
import type { ClusterHealth } from '../src/cluster/cluster.js';
import type { ServerMessage } from '../src/protocols/ws/protocol.js';
import type { ClusterNode } from './cluster-nodes.js';
import { type IrcClient, LineClient } from './helpers.js';
import { poll } from './wait.js';
import { WsClient } from './ws-client.js';

/**
 * What the cluster fault tests share: clients of the line and WebSocket doors that talk in
 * #lobby and keep what they saw with its ids, the room as PostgreSQL has it, and the checks
 * that every client saw each stored message once and in id order.
 */

/** Generous, for a loaded two-core machine; a passing run waits far less. */
export const DEADLINE_MS = 20_000;

export interface RoomMessage {
  id: number;
  from: string;
  text: string;
}

/** A row of the room's messages as stored. */
export interface Row {
  id: number;
  sender: string;
  body: string;
}

/** A client in #lobby on one node, whatever its door. */
export interface Chatter {
  readonly nick: string;
  readonly node: string;
  /** Says something in #lobby (WebSocket: with the text as its ref). */
  say(text: string): void;
  /** Everything it said, in order. */
  said(): readonly string[];
  /** The room's messages received, live or replayed, in the order they came. */
  messages(): RoomMessage[];
  /** Ids the server gave this client's own messages, when it confirmed storing them. */
  ackedIds(): number[];
  /** Everything received so far, for the message of a failed check. */
  transcript(): string;
  readonly gone: boolean;
}

/** Line lines with /ids on: `[@42] <bob> hi` and `*** Sent @43 to #lobby`. */
const LINE_MESSAGE = /^\[@(\d+)\] <([^>]+)> (.*)$/;
const LINE_SENT = /^\*\*\* Sent @(\d+) to #lobby$/;

export class LineChatter implements Chatter {
  gone = false;
  private readonly texts: string[] = [];

  private constructor(
    readonly client: LineClient,
    readonly nick: string,
    readonly node: string,
  ) {
    void client.closed.then(() => {
      this.gone = true;
    });
  }

  /** Joins #lobby with message ids shown, so its lines can be compared with the store. */
  static async join(node: ClusterNode, nick: string): Promise<LineChatter> {
    const client = await LineClient.join(node.ports.line, nick);
    client.send('/ids on');
    await client.waitFor('*** Message ids are on.');
    return new LineChatter(client, nick, node.name);
  }

  say(text: string): void {
    if (this.gone) return;
    this.texts.push(text);
    this.client.send(text);
  }

  said(): readonly string[] {
    return this.texts;
  }

  messages(): RoomMessage[] {
    const found: RoomMessage[] = [];
    for (const line of this.client.received) {
      const match = LINE_MESSAGE.exec(line);
      if (match) found.push({ id: Number(match[1]), from: match[2]!, text: match[3]! });
    }
    return found;
  }

  ackedIds(): number[] {
    return this.client.received.flatMap((line) => {
      const match = LINE_SENT.exec(line);
      return match ? [Number(match[1])] : [];
    });
  }

  transcript(): string {
    return this.client.received.join('\n');
  }
}

export class WsChatter implements Chatter {
  gone = false;
  private readonly texts: string[] = [];

  constructor(
    readonly client: WsClient,
    readonly nick: string,
    readonly node: string,
  ) {
    void client.closed.then(() => {
      this.gone = true;
    });
  }

  static async join(node: ClusterNode, nick: string): Promise<WsChatter> {
    return new WsChatter(await WsClient.join(node.ports.http, nick), nick, node.name);
  }

  /** Connected, not yet said hello: the test says it its own way (a resume, say). */
  static async connect(node: ClusterNode, nick: string): Promise<WsChatter> {
    return new WsChatter(await WsClient.connect(node.ports.http), nick, node.name);
  }

  say(text: string): void {
    if (this.gone) return;
    this.texts.push(text);
    this.client.send({ type: 'send', to: '#lobby', text, ref: text });
  }

  said(): readonly string[] {
    return this.texts;
  }

  messages(): RoomMessage[] {
    return this.client.received.flatMap((message): RoomMessage[] => {
      if (message.type === 'message' && message.room === '#lobby') return [pick(message)];
      if (message.type === 'history' && message.target === '#lobby') {
        return message.messages.map(pick);
      }
      return [];
    });
  }

  /** The acknowledgements, by ref (the text said). */
  acks(): Map<string, number> {
    const acks = new Map<string, number>();
    for (const message of this.client.received) {
      if (message.type === 'ack' && message.ref !== null) acks.set(message.ref, message.id);
    }
    return acks;
  }

  ackedIds(): number[] {
    return [...this.acks().values()];
  }

  transcript(): string {
    return this.client.received.map((message) => JSON.stringify(message)).join('\n');
  }

  /** The errors received for a send with this ref. */
  errorsFor(ref: string): Array<Extract<ServerMessage, { type: 'error' }>> {
    return this.client.received.flatMap((message) =>
      message.type === 'error' && message.ref === ref ? [message] : [],
    );
  }
}

function pick({ id, from, text }: RoomMessage): RoomMessage {
  return { id, from, text };
}

/** The room's messages as PostgreSQL has them, in id order. */
export async function storedRoom(databaseUrl: string, room = '#lobby'): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; sender: string; body: string }>(
      'SELECT id, sender, body FROM messages WHERE target = $1 ORDER BY id',
      [room],
    );
    return rows.map((row) => ({ id: Number(row.id), sender: row.sender, body: row.body }));
  } finally {
    await client.end();
  }
}

/** Each text stored at most once: the same sender and text twice is a message stored twice. */
export function expectNoDuplicates(rows: readonly Row[]): void {
  const seen = new Set<string>();
  const twice = rows.filter((row) => {
    const key = `${row.sender}\n${row.body}`;
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  });
  expect(twice, 'messages stored twice').toEqual([]);
}

/**
 * Every client says a numbered line (`nick n`) every `everyMs` until stopped; one that has
 * gone stops. The texts are unique, so the store can be searched for each.
 */
export function keepTalking(chatters: readonly Chatter[], everyMs: number): { stop(): void } {
  const counts = new Map<Chatter, number>();
  const timer = setInterval(() => {
    for (const chatter of chatters) {
      if (chatter.gone) continue;
      const n = (counts.get(chatter) ?? 0) + 1;
      counts.set(chatter, n);
      chatter.say(`${chatter.nick} ${n}`);
    }
  }, everyMs);
  return { stop: () => clearInterval(timer) };
}

/** Waits until the client has received the message with this id (or a later one). */
export async function waitForId(
  chatter: Chatter,
  id: number,
  timeoutMs = DEADLINE_MS,
): Promise<void> {
  await poll(
    `${chatter.nick} on ${chatter.node} to receive message @${id}`,
    () => (chatter.messages().some((message) => message.id >= id) ? true : undefined),
    { timeoutMs, seen: () => chatter.transcript() },
  );
}

/**
 * A barrier: `speaker` says `text`, and every other listener receives it. Room messages come
 * in id order, so by then each listener has had every message stored before it. Resolves
 * with its id.
 */
export async function roundTrip(
  speaker: Chatter,
  listeners: readonly Chatter[],
  text: string,
  databaseUrl: string,
): Promise<number> {
  speaker.say(text);
  const id = await poll(
    `"${text}" to be stored`,
    async () => (await storedRoom(databaseUrl)).find((row) => row.body === text)?.id,
    { timeoutMs: DEADLINE_MS, everyMs: 100 },
  );
  // A sender is not sent its own messages back.
  const others = listeners.filter((listener) => listener !== speaker);
  await Promise.all(others.map((listener) => waitForId(listener, id)));
  return id;
}

/**
 * What `chatter` received is the store's room, in id order, each message once, with its
 * sender and text: everything after `after` but its own messages (which a sender is not
 * sent back live; `ownToo` for a client that read them back with a resume).
 */
export function expectSawStoredOrder(
  chatter: Chatter,
  rows: readonly Row[],
  after = 0,
  options: { ownToo?: boolean } = {},
): void {
  const got = chatter.messages().filter((message) => message.id > after);
  const expected = rows
    .filter((row) => row.id > after && (options.ownToo || row.sender !== chatter.nick))
    .map((row) => ({ id: row.id, from: row.sender, text: row.body }));
  expect(got, `what ${chatter.nick} on ${chatter.node} received`).toEqual(expected);
}

/** The nicknames an IRC client's NAMES lists for the room, sorted. */
export async function ircNames(client: IrcClient, room = '#lobby'): Promise<string[]> {
  client.send(`NAMES ${room}`);
  const nicks: string[] = [];
  for (;;) {
    const line = await client.waitFor(/^:\S+ (353|366) /, DEADLINE_MS);
    if (/^:\S+ 366 /.test(line)) return nicks.sort();
    nicks.push(...line.slice(line.indexOf(' :', 1) + 2).split(' '));
  }
}

/** The nicknames a line client's /who lists for its room, sorted. */
export async function lineWho(chatter: LineChatter): Promise<string[]> {
  chatter.client.send('/who');
  const line = await chatter.client.waitFor(/^\*\*\* #lobby has \d+ members?: /, DEADLINE_MS);
  return line
    .slice(line.indexOf(': ') + 2)
    .split(' ')
    .sort();
}

/** Fails with `what` if the promise has not settled in time. */
export async function within<T>(
  promise: Promise<T>,
  what: string,
  timeoutMs = DEADLINE_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a node's /healthz says of the cluster. */
export async function clusterHealth(
  node: ClusterNode,
): Promise<{ redis: 'up' | 'down'; lease: ClusterHealth['lease'] }> {
  const response = await fetch(`http://127.0.0.1:${node.ports.http}/healthz`);
  const body = (await response.json()) as {
    cluster: { redis: 'up' | 'down'; lease: ClusterHealth['lease'] };
  };
  return body.cluster;
}
