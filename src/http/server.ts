import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Chat } from '../core/chat.js';
import type { HistoryStore } from '../core/history.js';
import type { Logger } from '../log.js';
import type { Listening } from '../net/listener.js';
import type { WsDoor } from '../protocols/ws/door.js';
import { WS_PATH } from '../protocols/ws/protocol.js';
import { HealthCheck } from './health.js';
import { HostCheck } from './host-check.js';
import { createStaticHandler, plain } from './static-files.js';

export interface HttpOptions {
  host: string;
  port: number;
  /** The built web client (index.html and assets/). */
  webRoot: string;
  /**
   * Origins browsers may open the WebSocket from. undefined: only the page's own origin (the
   * Host it was asked on); '*' anywhere. Clients that send no Origin (not browsers) are let in
   * either way: the check protects browser users from other sites, not the server from
   * programs.
   */
  allowedOrigins: readonly string[] | undefined;
  /**
   * Host names users reach the server by, besides localhost, this machine's name and
   * addresses; '*' any. Requests for other names are refused (DNS rebinding).
   */
  publicHosts: readonly string[];
  chat: Chat;
  store: HistoryStore;
  ws: WsDoor;
  log: Logger;
  /** How long shutdown waits for requests in progress, and a bad request for its answer. */
  shutdownGraceMs: number;
  /** How long /healthz waits for the store before calling it unreachable. */
  healthTimeoutMs?: number;
  /** In a cluster: this node's id and its view of Redis and the other nodes, for /healthz. */
  clusterHealth?: () => Record<string, unknown>;
}

export interface HttpDoor extends Listening {
  /** Stops accepting, closes the WebSocket clients (1001), then idle HTTP connections. */
  close(): Promise<void>;
}

/** One HTTP server: the web client at /, GET /healthz, and WebSocket upgrades at /ws. */
export function startHttp(options: HttpOptions): Promise<HttpDoor> {
  const serveStatic = createStaticHandler(options.webRoot);
  const health = new HealthCheck(
    options.store,
    options.chat,
    options.healthTimeoutMs ?? 2000,
    options.clusterHealth,
  );
  const ownNames = ['localhost', hostname()];
  if (isIP(options.host) === 0) ownNames.push(options.host);
  const hosts = new HostCheck(options.publicHosts, ownNames);

  const requestsOn = new WeakMap<Socket, number>();
  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const made = (requestsOn.get(request.socket) ?? 0) + 1;
    requestsOn.set(request.socket, made);
    // Node's own limit (below) only says `connection: close` and answers further requests
    // with 503 for as long as the client sends them; this really ends the connection after
    // the last allowed answer, dropping whatever was pipelined behind it.
    if (made >= MAX_REQUESTS_PER_SOCKET) response.setHeader('connection', 'close');
    if (!hosts.allows(request.headers.host)) {
      plain(response, 421, MISDIRECTED);
      return;
    }
    const pathname = pathOf(request);
    if (pathname === '/healthz') {
      void health.report().then(({ ok, body }) => {
        response.writeHead(ok ? 200 : 503, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
        });
        response.end(`${JSON.stringify(body)}\n`);
      });
      return;
    }
    if (pathname === WS_PATH) {
      plain(response, 426, 'This address takes WebSocket connections.\n', { upgrade: 'websocket' });
      return;
    }
    serveStatic(request, response, pathname).catch((error: unknown) => {
      options.log.error({ event: 'error', err: error }, 'static file failed');
      if (!response.headersSent) plain(response, 500, 'Internal error\n');
      else response.destroy();
    });
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', destroyOnError);
    if (!hosts.allows(request.headers.host)) {
      options.log.info(
        { event: 'error', door: 'ws', host: request.headers.host },
        'websocket host refused',
      );
      refuse(socket, 421, 'Misdirected Request', options.shutdownGraceMs);
      return;
    }
    if (pathOf(request) !== WS_PATH) {
      refuse(socket, 404, 'Not Found', options.shutdownGraceMs);
      return;
    }
    if (!originAllowed(request, options.allowedOrigins)) {
      options.log.info(
        { event: 'error', door: 'ws', origin: request.headers.origin },
        'websocket origin refused',
      );
      refuse(socket, 403, 'Forbidden', options.shutdownGraceMs);
      return;
    }
    options.ws.accept(request, socket, head);
  };

  const server = createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
    onRequest,
  );
  server.maxRequestsPerSocket = MAX_REQUESTS_PER_SOCKET;
  server.on('upgrade', onUpgrade);
  server.on('clientError', (error: Error & { code?: string }, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    // Headers (or a request) not sent within the timeouts below.
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      refuse(socket, 408, 'Request Timeout', options.shutdownGraceMs);
      return;
    }
    refuse(socket, 400, 'Bad Request', options.shutdownGraceMs);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        door: 'http',
        host: options.host,
        port,
        async close() {
          const stopped = new Promise<void>((done) => server.close(() => done()));
          await options.ws.close();
          server.closeIdleConnections();
          // Requests still being answered get the grace period, then are cut.
          const cut = setTimeout(() => server.closeAllConnections(), options.shutdownGraceMs);
          await stopped;
          clearTimeout(cut);
        },
      });
    });
  });
}

/**
 * Requests one connection may make; the connection ends after the answer to the last. This
 * is what bounds pipelining: Node reads a connection's requests ahead of their answers (it
 * only stops reading once 16 KiB of answers wait unsent), so 100,000 pipelined /healthz each
 * became a request held in memory. Past this count Node answers 503 without calling us, those
 * answers soon fill the 16 KiB and it stops reading, and the connection ends once the last
 * allowed answer is sent: a connection holds at most what one read (64 KiB) parses into. A
 * browser uses a connection for the page and its few assets, and the WebSocket upgrade
 * (not counted) takes its own.
 */
const MAX_REQUESTS_PER_SOCKET = 100;
/**
 * A client has this long to send a request's headers. Node's default (60 s, checked every
 * 30 s) let a connection that sent nothing hold a socket for 90 s; browsers and load
 * balancers send their headers in one packet.
 */
const HEADERS_TIMEOUT_MS = 10_000;
/** And this long for the whole request: we take no request bodies, so it is the same bound. */
const REQUEST_TIMEOUT_MS = 10_000;
/**
 * How long an idle kept-alive connection waits for its next request (Node's default, made
 * explicit): long enough for a page's assets to reuse it, short enough not to hoard sockets.
 */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** How often the two timeouts above are checked, so they hold to within a second. */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;

const MISDIRECTED =
  'This server does not answer to that host name. If it is the name users reach it by, ' +
  'its operator can add it with --public-host.\n';

/** One listener for every upgraded socket, not a closure each: they live as long as it does. */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function refuse(socket: Duplex, status: number, text: string, graceMs: number): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  // A client that does not read even that is not waited for.
  setTimeout(() => socket.destroy(), graceMs).unref();
}

export function originAllowed(
  request: IncomingMessage,
  allowed: readonly string[] | undefined,
): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (allowed === undefined) {
    // Same origin: the Origin's host:port is the Host the page was loaded from.
    try {
      // URL lowercases the name; a Host header may come in any case.
      return new URL(origin).host === request.headers.host?.toLowerCase();
    } catch {
      return false;
    }
  }
  return allowed.includes('*') || allowed.includes(origin);
}
