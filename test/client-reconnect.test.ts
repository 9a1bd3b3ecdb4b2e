import { beforeAll, describe, it } from 'vitest';
import { LineClient, startTestServer } from './helpers.js';
import { CLI, requireBuiltCli } from './spawned.js';
import { Tmux } from './tmux.js';

// Reconnecting takes the client a second at least (its first backoff), more on a slow machine.
const RECONNECT_MS = 20_000;

beforeAll(requireBuiltCli);

describe('the terminal client prompt', () => {
  it('says it is disconnected while it is, then shows the room again, keeping what was typed', async () => {
    const server = await startTestServer({ framedPort: null });
    const port = server.port('line');
    const terminal = await Tmux.start(
      [process.execPath, CLI, 'connect', '127.0.0.1', String(port), '--nick', 'carol'],
      { columns: 80, rows: 24 },
    );
    const showsLast = (line: string) =>
      terminal.waitFor((shown) => shown.lines.at(-1) === line, JSON.stringify(line));
    await showsLast('#lobby>');
    await terminal.type('/join #dev');
    await terminal.press('Enter');
    await showsLast('#dev>');
    await terminal.type('half a thought');
    await showsLast('#dev> half a thought');

    await server.stop();
    await showsLast('(disconnected)> half a thought');

    await startTestServer({ framedPort: null, linePort: port });
    // Only once it is back in #dev, with the reconnect's first backoff behind it.
    await terminal.waitFor(
      (shown) => shown.lines.at(-1) === '#dev> half a thought',
      'the room prompt again',
      RECONNECT_MS,
    );
    const erin = await LineClient.join(port, 'erin');
    erin.send('/join #dev');
    await erin.waitFor('*** #dev has 2 members: carol erin');
    await terminal.press('Enter');
    await erin.waitFor('<carol> half a thought');
  }, 40_000);
});
