import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Defence in depth for the web client: even if some text were ever put into the page as
 * HTML, no script but our own bundle could run, and nothing could be loaded from elsewhere.
 * 'self' in connect-src covers the same-origin WebSocket.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The built web client, read from `root`. Only files under it are served: the path is
 * decoded, normalized and checked to stay inside the root, so `..`, encoded or not, cannot
 * climb out. Files Vite names by content hash (assets/) may be cached for ever; the rest,
 * index.html above all, must be revalidated so a new build is picked up.
 */
export function createStaticHandler(
  root: string,
): (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<void> {
  const base = resolve(root);
  return async (request, response, pathname) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(response, 405, 'Method not allowed\n', { allow: 'GET, HEAD' });
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return plain(response, 400, 'Bad path\n');
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return plain(response, 400, 'Bad path\n');
    const relative = decoded === '/' || decoded.endsWith('/') ? `${decoded}index.html` : decoded;
    const file = resolve(join(base, relative));
    if (!file.startsWith(base + sep)) return plain(response, 404, 'Not found\n');
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) return plain(response, 404, 'Not found\n');
      size = info.size;
    } catch {
      if (relative === '/index.html') {
        return plain(
          response,
          503,
          'The web client has not been built: run "npm run build" (the API at /ws works).\n',
        );
      }
      return plain(response, 404, 'Not found\n');
    }
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const immutable = relative.startsWith('/assets/');
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': type,
      'content-length': size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  };
}

export function plain(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}
