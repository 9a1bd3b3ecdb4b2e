/**
 * What every server under test (the chatroom worker and the baselines) answers to the
 * orchestrator: its CPU time, event-loop utilisation and memory at a moment (`mark`), the
 * same after a full garbage collection (`gc`, when started with --expose-gc), and, once
 * ready, the port of each front door it opened.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { clock } from './clock.js';
import { serve } from './rpc.js';

export interface ServerMark {
  /** bench/clock.ts time of the reading. */
  at: number;
  /** CPU time (user + system) since the process started. */
  cpuMs: number;
  elu: { idle: number; active: number };
  rss: number;
  heapUsed: number;
  /** V8 heap reserved (used or not), and memory outside it (Buffers and other native objects). */
  heapTotal: number;
  external: number;
  /** Server-specific counters (the chatroom worker: store.append calls, messages, ms in them). */
  extra: Record<string, number>;
  /**
   * How late the event loop ran timers since the previous mark, in ms (Node servers only): a
   * stall here delays every delivery, whatever caused it (a checkpoint, a GC, a long flush).
   */
  loopDelay?: LoopDelay;
}

export interface LoopDelay {
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

// 1 ms resolution: what matters here is a stall of milliseconds, which finer sampling would
// only cost more to find.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();

/** The event loop's delays since the last reading; the next reading starts afresh. */
function takeLoopDelay(): LoopDelay {
  const ms = (ns: number) => ns / 1e6;
  const reading = {
    p50: ms(loopDelay.percentile(50)),
    p99: ms(loopDelay.percentile(99)),
    p999: ms(loopDelay.percentile(99.9)),
    max: ms(loopDelay.max),
  };
  loopDelay.reset();
  return reading;
}

export type ServerApi = {
  mark(): Promise<ServerMark>;
  /** Collects garbage (twice, with a pause for the heap to shrink), then marks. */
  gc(): Promise<ServerMark>;
  /** Exits at once (without a graceful shutdown), so that --cpu-prof writes its profile. */
  exit(): void;
};

/** Ports by front door, e.g. { line: 40123 }. */
export type Ports = Record<string, number>;

export function serverMark(extra: Record<string, number> = {}): ServerMark {
  const cpu = process.cpuUsage();
  const { idle, active } = performance.eventLoopUtilization();
  const memory = process.memoryUsage();
  return {
    at: clock(),
    cpuMs: (cpu.user + cpu.system) / 1000,
    elu: { idle, active },
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    extra,
    loopDelay: takeLoopDelay(),
  };
}

type Extra = () => Record<string, number> | Promise<Record<string, number>>;

/**
 * Serves the orchestrator's requests; `extra` adds server-specific counters to each mark. The
 * time, CPU and event loop are read before the counters, which a busy server may take a while
 * to collect.
 */
export function serveServer(ports: Ports, extra: Extra = () => ({})): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  const mark = async () => {
    const reading = serverMark();
    reading.extra = await extra();
    return reading;
  };
  serve<ServerApi>(
    {
      mark,
      async gc() {
        if (collect) {
          collect();
          await sleep(100);
          collect();
          await sleep(400);
        }
        return mark();
      },
      exit() {
        setImmediate(() => process.exit(0));
      },
    },
    ports,
  );
}
