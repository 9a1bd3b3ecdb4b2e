/** What `npm run bench` is asked for (its arguments), and the sizes each part runs at. */
import type { LatencyConfig } from './scenarios.js';
import { TARGETS } from './targets.js';

export const PARTS = [
  'fanout',
  'latency',
  'flood',
  'memory',
  'join',
  'rooms',
  'store',
  'history',
  'enforcement',
  'cluster',
] as const;
export type Part = (typeof PARTS)[number];

export interface Options {
  quick: boolean;
  json: string | undefined;
  only: Set<Part>;
  runs: number | undefined;
  window: number;
  generators: number;
  targets: string[] | undefined;
  /** The fan-out's room sizes, when not its usual ones (to look at one closely). */
  clients: number[] | undefined;
  /** Servers on CPU 0, generators and this process on CPU 1 (bench/rpc.ts pinCores). */
  pin: boolean;
}

export const USAGE = `usage: npm run bench -- [--quick] [--only ${PARTS.join(',')}] [--runs N] [--json FILE] [--pin]
                      [--clients N,...] [--window N] [--generators N] [--targets "${TARGETS.map((t) => t.name).join(',')}"]`;

function positive(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive whole number`);
  return n;
}

export function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    quick: false,
    json: undefined,
    only: new Set(PARTS),
    runs: undefined,
    window: 64,
    generators: 1,
    targets: undefined,
    clients: undefined,
    pin: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--pin') options.pin = true;
    else if (arg === '--json') options.json = argv[++i];
    else if (arg === '--window') options.window = positive(argv[++i], arg);
    else if (arg === '--runs') options.runs = positive(argv[++i], arg);
    else if (arg === '--generators') options.generators = positive(argv[++i], arg);
    else if (arg === '--clients') {
      options.clients = (argv[++i] ?? '').split(',').map((n) => positive(n, arg));
    } else if (arg === '--targets') {
      options.targets = (argv[++i] ?? '').split(',').map((name) => name.trim());
      for (const name of options.targets) {
        if (!TARGETS.some((target) => target.name === name)) throw new Error(`no target "${name}"`);
      }
    } else if (arg === '--only') {
      const parts = (argv[++i] ?? '').split(',');
      for (const part of parts) {
        if (!PARTS.includes(part as Part))
          throw new Error(`--only takes some of ${PARTS.join(',')}`);
      }
      options.only = new Set(parts as Part[]);
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return options;
}

/**
 * Messages each sender may have in flight in the history comparison: 8, as when its figures in
 * docs/benchmarks.md were first taken (the scenarios' --window defaults to 64).
 */
export const HISTORY_WINDOW = 8;

/**
 * The flood benchmark of the issue "Hardening": the latency scenario at 100 clients, quiet and
 * with a flooder, on a server that spares only 127.0.0.1 from its limits.
 */
export const FLOOD = { clients: 100, limitsExempt: '127.0.0.1/32', floodFrom: '127.0.0.2' };

/** The sizes the issues' goals (bench/targets.ts) are stated at. */
export const GOAL = {
  memoryAt: 10_000,
  joinClients: 10_000,
};

export interface Sizes {
  runs: number;
  fanoutClients: number[];
  fanout: { senders: number; bytes: number; warmupMs: number; measureMs: number };
  latency: Omit<LatencyConfig, 'generators'>;
  memoryClients: number[];
  /** How long each server is left idle before its memory is read. */
  memoryIdleMs: number;
  /** How long a fresh server is left idle before its starting memory is read. */
  memoryStartIdleMs: number;
  joinClients: number;
  joinConcurrency: number;
  /** Room sizes of the cluster part's fan-out (bench/cluster.ts), which is otherwise `fanout`. */
  clusterClients: number[];
}

export function sizes(options: Options): Sizes {
  const quick = options.quick;
  return {
    runs: options.runs ?? (quick ? 1 : 3),
    // --quick (a smoke run, in under two minutes for every part): each part at one size.
    fanoutClients: options.clients ?? (quick ? [100] : [100, 1_000]),
    fanout: {
      senders: 10,
      bytes: 64,
      warmupMs: quick ? 500 : 1_000,
      measureMs: quick ? 1_000 : 5_000,
    },
    latency: {
      // --quick: fewer to connect and join; the goals are judged at 500.
      clients: quick ? 200 : 500,
      senders: 10,
      rate: 100,
      bytes: 64,
      warmupMs: quick ? 500 : 1_000,
      measureMs: quick ? 1_000 : 10_000,
      graceMs: quick ? 500 : 2_000,
    },
    memoryClients: quick ? [1_000] : [1_000, GOAL.memoryAt],
    memoryIdleMs: quick ? 2_000 : 12_000,
    memoryStartIdleMs: quick ? 300 : 2_000,
    joinClients: quick ? 1_000 : GOAL.joinClients,
    joinConcurrency: 250,
    clusterClients: quick ? [100] : [100, 1_000],
  };
}
