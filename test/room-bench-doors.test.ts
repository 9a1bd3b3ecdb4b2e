import { describe, expect, it } from 'vitest';
import { roomDoor } from '../bench/room-doors.js';
import { recordingSink } from './bench-sink.js';
import { startTestServer } from './helpers.js';

/** The rooms scenario's clients (bench/room-doors.ts), checked against the real doors. */
describe('the benchmark room doors', () => {
  for (const [door, port] of [
    ['line', 'line'],
    ['irc', 'irc'],
    ['json-ws', 'http'],
  ] as const) {
    it(`${door}: joins #lobby and its room, talks to its room only`, async () => {
      const server = await startTestServer();
      const clients = await Promise.all(
        ['#r1', '#r1', '#r2'].map(async (room, i) => {
          const recording = recordingSink();
          const client = await roomDoor(door, room).connect(server.port(port), recording.sink);
          client.register(`s${String(i).padStart(5, '0')}`);
          await recording.joined;
          return { client, ...recording };
        }),
      );
      const [a, b, c] = clients as [(typeof clients)[0], (typeof clients)[0], (typeof clients)[0]];
      a.client.send(['00000001 hello', '00000002 again']);
      c.client.send(['00000001 elsewhere']);
      await expect.poll(() => b.seen).toEqual(['0:00000001 hello', '0:00000002 again']);
      // Nobody else hears #r1's messages, and #r2's reach nobody (c is alone there).
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(a.seen).toEqual([]);
      expect(c.seen).toEqual([]);
      expect(b.seen).toEqual(['0:00000001 hello', '0:00000002 again']);
      for (const { client } of clients) client.close();
    });
  }
});
