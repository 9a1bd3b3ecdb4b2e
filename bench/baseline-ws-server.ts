/**
 * The WebSocket baseline: a naive `ws` broadcast server, the broadcast example of the `ws`
 * README with the line door's conversation (text messages instead of lines):
 *
 *   client: alice                  server: *** Now talking in #lobby
 *   client: hello                  others: <alice> hello
 *
 * Like the line baseline, it does not announce joins.
 *
 * Every receiver gets its own `send` of a string, so the frame is built once per receiver: the
 * "naive ws broadcast" that the WebSocket door is to beat tenfold. No compression (as `ws`
 * defaults to on the server). Runs on its own too: `node dist/bench/bench/baseline-ws-server.js [port]`.
 */
import { WebSocket, WebSocketServer } from 'ws';
import { serveServer } from './server-common.js';

function listen(port: number, host = '127.0.0.1'): Promise<number> {
  const wss = new WebSocketServer({ port, host, perMessageDeflate: false });
  const broadcast = (from: WebSocket, text: string) => {
    for (const client of wss.clients) {
      if (client !== from && client.readyState === WebSocket.OPEN) client.send(text);
    }
  };
  wss.on('connection', (ws) => {
    let nick: string | undefined;
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => {
      if (nick === undefined) {
        nick = data.toString();
        ws.send('*** Now talking in #lobby');
      } else broadcast(ws, `<${nick}> ${data.toString()}`);
    });
  });
  return new Promise((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      const address = wss.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

const port = await listen(Number(process.argv[2] ?? 0));
if (process.send) serveServer({ ws: port });
else console.log(`ws baseline listening on ws://127.0.0.1:${port}/`);
