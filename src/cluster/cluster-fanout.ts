import type { ChatEvent } from '../core/events.js';
import type { Audience, Fanout } from '../core/fanout.js';
import type { Roster } from '../core/roster.js';
import type { RedisBus } from './bus.js';
import { wireAudience } from './envelope.js';
import type { MessageOrder } from './message-order.js';

/**
 * The fan-out of a node in a cluster: this node's members get each event at once through the
 * local fan-out (stored messages through MessageOrder, so in id order with the other nodes'), and
 * the other nodes get it through Redis on the channel its audience calls for.
 */
// No batch() here: a group commit's messages go out one by one, as MessageOrder orders them.
// Handing them to the local fan-out's batch was tried; two nodes then fanned out about a fifth
// less in the bench's cluster part (BENCHMARKS.md, issue 15 session 10).
export class ClusterFanout implements Fanout {
  /** Room messages come back to the core through MessageOrder, in the cluster's order. */
  readonly ordersMessages = true;

  constructor(
    private readonly local: Fanout,
    private readonly order: MessageOrder,
    private readonly bus: RedisBus,
    private readonly roster: Roster,
    private readonly nodeId: string,
  ) {}

  publish(event: ChatEvent, audience: Audience): void {
    if (audience.local) {
      this.local.publish(event, audience);
      return;
    }
    if (event.type === 'message' || event.type === 'private') this.order.local(event, audience);
    else this.local.publish(event, audience);
    const channel = this.channelFor(event, audience);
    if (channel === undefined) return;
    this.bus.publish(channel, {
      v: 1,
      k: 'event',
      node: this.nodeId,
      event,
      audience: wireAudience(audience),
    });
  }

  /**
   * A room's messages, joins and parts go on its channel, in the order they happened there;
   * a private message to its recipient's node; the rest (quits, nicknames, away, topics) to
   * every node. Undefined: nobody elsewhere is concerned.
   */
  private channelFor(event: ChatEvent, audience: Audience): string | undefined {
    const rooms = audience.rooms === undefined ? [] : [...audience.rooms];
    if (
      (event.type === 'message' || event.type === 'join' || event.type === 'part') &&
      rooms.length === 1 &&
      !audience.nicks &&
      !audience.everyone
    ) {
      return this.bus.roomChannel(rooms[0]!);
    }
    if (event.type === 'private') {
      const nodes = new Set<string>();
      for (const key of audience.nicks ?? []) {
        const node = this.roster.find(key)?.node;
        if (node !== undefined) nodes.add(node);
      }
      if (nodes.size === 0) return undefined;
      if (nodes.size === 1) return this.bus.nodeChannel([...nodes][0]!);
    }
    return this.bus.allChannel;
  }
}
