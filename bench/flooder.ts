/**
 * The flood benchmark's attacker: a child process that, once started, connects to one door
 * from an address the server does not exempt from its limits (127.0.0.2 by default), joins
 * #lobby and writes chat messages as fast as its socket takes them. When the server cuts it
 * off (excess flood) or refuses it (per-address limits), it connects again at once, under a
 * new nickname, for as long as the run lasts. Arguments: JSON of FlooderConfig.
 */
import { DOORS, type DoorClient, type Sink } from './doors.js';
import { textPool } from './messages.js';
import { serve } from './rpc.js';

export interface FlooderConfig {
  door: string;
  port: number;
  from: string;
  bytes: number;
}

export interface FloodResult {
  /** Connections opened, and how many of them got as far as #lobby. */
  connections: number;
  joined: number;
  /** Messages written to the socket (not necessarily read by the server). */
  written: number;
  /** Error lines the server sent, by their first words (e.g. "Excess flood": 12). */
  errors: Record<string, number>;
}

export type FlooderApi = {
  start(): void;
  stop(): FloodResult;
};

const config = JSON.parse(process.argv[2] ?? '{}') as FlooderConfig;
const door = DOORS[config.door];
if (!door) throw new Error(`no door ${config.door}`);

/** Messages per write, and the bytes left unsent at which the flooder waits to write more. */
const BATCH = 64;
const HIGH_WATER = 256 * 1024;

const texts = textPool(BATCH, config.bytes);
const result: FloodResult = { connections: 0, joined: 0, written: 0, errors: {} };
let running = false;
let current: DoorClient | undefined;

function countError(text: string) {
  const key = text.replace(/^[^a-z]*/i, '').slice(0, 40);
  result.errors[key] = (result.errors[key] ?? 0) + 1;
}

function flood(client: DoorClient, isOpen: () => boolean) {
  const write = () => {
    if (!running || !isOpen()) return;
    if (client.unsent() < HIGH_WATER) {
      client.send(texts);
      result.written += texts.length;
    }
    setImmediate(write);
  };
  write();
}

async function connectOnce(): Promise<void> {
  if (!running) return;
  result.connections++;
  let open = true;
  const again = () => {
    if (!open) return;
    open = false;
    // A refused connect fails at once; retrying from a timer keeps this loop off the CPU the
    // server and the generators need, while still coming back many times a second.
    if (running) setTimeout(() => void connectOnce(), 1);
  };
  const sink: Sink = {
    joined: () => {
      result.joined++;
      flood(client, () => open);
    },
    chat: () => {},
    notice: () => {},
    error: countError,
    closed: again,
  };
  let client: DoorClient;
  try {
    client = await door!.connect(config.port, sink, config.from);
  } catch (error) {
    countError(error instanceof Error ? error.message : String(error));
    again();
    return;
  }
  current = client;
  client.register(`f${result.connections}`);
}

serve<FlooderApi>(
  {
    start() {
      running = true;
      void connectOnce();
    },
    stop() {
      running = false;
      current?.close();
      return result;
    },
  },
  null,
);
