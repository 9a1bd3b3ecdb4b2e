/**
 * The Node flags the server runs with: the `chatroom` command passes them in its first line
 * (`#!/usr/bin/env -S node ...`, src/cli.ts), `npm start` on its command line (package.json),
 * and the benchmarks to every chatroom server they start (bench/rig.ts). A test holds the three
 * to this list.
 *
 * `--max-semi-space-size=8` (MiB; V8's default grows to 16): a join storm keeps every new
 * connection's objects alive through young collections, so V8 grows its young generation to
 * the limit and keeps it, resident, until its memory reducer runs seconds later, when it runs
 * at all. At 10,000 idle clients this saves 0.8–2 KiB per connection, depending on the door,
 * with fan-out and join storms no slower; 4 saved a little more but cost the IRC door a
 * quarter of its fan-out at 100 clients (BENCHMARKS.md, issue 15, session 9).
 * Later flags win: `node --max-semi-space-size=16 dist/cli.js serve` restores V8's default.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=8'] as const;
