import type { RunningServer, ServerConfig } from '../src/server.js';
import { DEFAULTS } from '../src/server.js';
import { IrcClient, mask, startTestServer } from './helpers.js';
import { WsClient } from './ws-client.js';

/** The test IRC server's prefix. */
export const S = ':irc.test';

/** The source of lines a user sends, as IRC clients see it: `:nick!~nick@host`. */
export function from(nick: string, username?: string): string {
  return `:${mask(nick, username)}`;
}

/**
 * A server for moderation tests: each sends dozens of commands a connection, which the
 * default flood control (5 at once, then 2 a second) would spread over many seconds.
 */
export function startModerationServer(
  overrides: Partial<ServerConfig> = {},
): Promise<RunningServer> {
  return startTestServer({ flood: { ...DEFAULTS.flood, perSecond: 0 }, ...overrides });
}

/** IRC users registered as `nicks` (with `caps`), in that order. */
export async function registerAll(
  port: number,
  nicks: readonly string[],
  caps: readonly string[] = [],
): Promise<IrcClient[]> {
  const clients: IrcClient[] = [];
  for (const nick of nicks) clients.push(await IrcClient.register(port, nick, caps));
  return clients;
}

/**
 * Each client joins the room in turn (the first makes it, and so owns it), and every line
 * their joins caused is read, so that each client's next `ask` starts clean.
 */
export async function joinAll(room: string, clients: readonly IrcClient[]): Promise<void> {
  for (const client of clients) await client.join(room);
  for (const client of clients) await client.ask();
}

/** The host in a line's source (`:nick!user@host ...`) or a 352 WHO reply. */
export function hostIn(line: string): string {
  const source = /^:[^!\s]+![^@\s]+@(\S+) /.exec(line);
  if (source) return source[1]!;
  const who = / 352 \S+ \S+ \S+ (\S+) /.exec(line);
  if (who) return who[1]!;
  throw new Error(`no host in ${line}`);
}

/** The Unix time (seconds) of a 329 or 367 line: its last parameter. */
export function unixTimeIn(line: string): number {
  return Number(line.split(' ').at(-1));
}

/** Seconds since the epoch, as IRC's 329 and 367 give times. */
export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** WebSocket users in the lobby, each of whose next `ask` starts clean. */
export async function webUsers(port: number, nicks: readonly string[]): Promise<WsClient[]> {
  const clients: WsClient[] = [];
  for (const nick of nicks) clients.push(await WsClient.join(port, nick));
  for (const client of clients) await client.ask();
  return clients;
}

/** Each joins the room in turn (the first makes it); what the joins caused is read. */
export async function joinWebRoom(room: string, clients: readonly WsClient[]): Promise<void> {
  for (const client of clients) {
    client.send({ type: 'join', room });
    await client.waitFor({ type: 'current-room', room });
  }
  for (const client of clients) await client.ask();
}
