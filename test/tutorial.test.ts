import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LineClient, onCleanup, startTestServer } from './helpers.js';
import { poll } from './wait.js';

const TUTORIAL_CLIENT = fileURLToPath(new URL('./fixtures/tutorial_client.py', import.meta.url));

describe('the Python tutorial client', () => {
  it('chats with line users through the framed door, unchanged', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const python = spawn('python3', [TUTORIAL_CLIENT, '127.0.0.1', String(server.port('framed'))], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    onCleanup(() => {
      python.kill('SIGKILL');
    });
    let output = '';
    python.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => python.on('exit', resolve));

    python.stdin.write('pyuser\n');
    await alice.waitFor('*** pyuser joined #lobby');
    python.stdin.write('hello from the tutorial\n');
    await alice.waitFor('<pyuser> hello from the tutorial');

    alice.send('hi pyuser, welcome');
    // The tutorial client only reads the socket after each line typed, so keep pressing Enter.
    await poll(
      'the tutorial client to show alice',
      () => {
        if (output.includes('alice > hi pyuser, welcome')) return true;
        python.stdin.write('\n');
        return undefined;
      },
      { everyMs: 100, timeoutMs: 10_000, seen: () => output },
    );
    expect(output).toContain('* > Now talking in #lobby');

    python.stdin.write('/me is a tutorial\n');
    await alice.waitFor('* pyuser is a tutorial');
    python.stdin.end();
    expect(await exited).toBe(0);
    await alice.waitFor(/^\*\*\* pyuser left the chat/);
  });
});
