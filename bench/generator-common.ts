/**
 * What every load generator answers alike (bench/generator.ts, bench/rooms-generator.ts): its
 * CPU, event loop and traffic at a moment, joining its clients a few at a time, and waiting
 * for the traffic to die down.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { clock } from './clock.js';

export interface GeneratorMark {
  at: number;
  cpuMs: number;
  elu: { idle: number; active: number };
  deliveries: number;
  /** When anything last arrived (clock()). */
  lastDataAt: number;
}

export interface JoinResult {
  startedAt: number;
  doneAt: number;
  joined: number;
  failures: string[];
}

export function generatorMark(deliveries: number, lastDataAt: number): GeneratorMark {
  const cpu = process.cpuUsage();
  const { idle, active } = performance.eventLoopUtilization();
  return {
    at: clock(),
    cpuMs: (cpu.user + cpu.system) / 1000,
    elu: { idle, active },
    deliveries,
    lastDataAt,
  };
}

/** Joins every client, `concurrency` at a time; the first 20 failures are named. */
export async function joinAll(
  clients: ReadonlyArray<{ readonly index: number; join(timeoutMs: number): Promise<unknown> }>,
  concurrency: number,
  timeoutMs: number,
  nick: (index: number) => string,
): Promise<JoinResult> {
  const startedAt = clock();
  const failures: string[] = [];
  let next = 0;
  let joined = 0;
  const worker = async () => {
    while (next < clients.length) {
      const client = clients[next++]!;
      try {
        await client.join(timeoutMs);
        joined++;
      } catch (error) {
        if (failures.length < 20) failures.push(`${nick(client.index)}: ${String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return { startedAt, doneAt: clock(), joined, failures };
}

/** Waits until nothing has arrived for `quietMs` (or `timeoutMs` has passed). */
export async function untilQuiet(
  lastDataAt: () => number,
  quietMs: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = clock() + timeoutMs;
  while (clock() - lastDataAt() < quietMs && clock() < deadline) await sleep(50);
}
