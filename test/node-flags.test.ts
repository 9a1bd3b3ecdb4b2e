import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../src/node-flags.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');

describe("the server's Node flags", () => {
  const shebang = read('../src/cli.ts').split('\n')[0]!;
  const built = read('../dist/cli.js').split('\n')[0]!;
  const start: string = JSON.parse(read('../package.json')).scripts.start;

  it('are what `chatroom` and `npm start` run Node with', () => {
    expect(shebang).toBe(`#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}`);
    expect(built).toBe(shebang);
    expect(start).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} dist/cli.js serve`);
  });

  it("reach Node through the command's first line", () => {
    // What the kernel runs for `chatroom ...`: env with the rest of the first line.
    const [env, ...args] = shebang.slice(2).split(' ');
    const result = spawnSync(env!, [...args, '-p', 'JSON.stringify(process.execArgv)'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${process.execPath.replace(/\/[^/]+$/, '')}:${process.env.PATH}`,
      },
    });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(expect.arrayContaining([...SERVER_NODE_FLAGS]));
  });
});
