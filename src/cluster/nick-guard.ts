import type { Chat } from '../core/chat.js';
import type { Logger } from '../log.js';
import type { NodeLease } from './node-lease.js';
import type { PresenceSync } from './presence-sync.js';
import type { RedisNickRegistry } from './redis-nicks.js';
import type { ClusterRoster } from './roster.js';

/** What a user renamed after losing a nickname to another node's earlier claim is told. */
const NICK_LOST =
  'another server had given your nickname out first while the servers could not reach each other.';

export interface NickGuardOptions {
  nodeId: string;
  leaseMs: number;
  nicks: RedisNickRegistry;
  lease: NodeLease;
  roster: ClusterRoster;
  presence: PresenceSync;
  log: Logger;
  chat: () => Chat | undefined;
}

/**
 * One nickname, one user, across a split: after Redis lost its claims (it restarted) or this
 * node's lease lapsed unnoticed, claims are put back and the earlier one wins; a collision
 * heard of from another node is settled by the registry.
 */
export class NickGuard {
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(private readonly options: NickGuardOptions) {}

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
  }

  /**
   * Redis lost everything (it restarted), or this node's lease lapsed without anyone taking
   * it for lost (Redis was out of reach): its nicknames are put back, the earlier claim
   * winning where another node gave one out meanwhile. Done again a lease later, once every
   * node has put its own back, so the later claimant of each hears that it lost.
   */
  async reclaim(): Promise<void> {
    this.options.presence.holdReaping();
    await this.reassertNicknames();
    const again = setTimeout(() => void this.reassertNicknames(), this.options.leaseMs);
    again.unref();
    this.timers.push(again);
  }

  private async reassertNicknames(): Promise<void> {
    const chat = this.options.chat();
    if (!chat || this.stopped) return;
    const members = [...chat.registered()];
    try {
      const lost = new Set(
        await this.options.nicks.reassert(
          members.map((member) => ({
            key: member.nickKey!,
            owner: `${this.options.nodeId}:${member.id}`,
            at: member.registeredAt,
          })),
        ),
      );
      for (const member of members) {
        if (member.nickKey !== undefined && lost.has(member.nickKey)) {
          await chat.renameToGuest(member, NICK_LOST);
        }
      }
      await this.options.presence.writeSnapshot();
      this.options.presence.publishHello();
    } catch (error) {
      this.options.log.warn({ event: 'cluster', err: error }, 'could not put nicknames back');
    }
  }

  collision(key: string): void {
    if (!this.options.lease.holds()) return;
    this.checkCollision(key).catch((error: unknown) =>
      this.options.log.warn(
        { event: 'cluster', err: error },
        'could not settle a nickname collision',
      ),
    );
  }

  /**
   * Another node says one of its users has a nickname a user here has too: after a Redis
   * restart or a lapsed lease, both put a claim back. The registry says whose it is; the
   * other user is renamed. If it is ours, saying so again lets the other node find out.
   */
  private async checkCollision(key: string): Promise<void> {
    const chat = this.options.chat();
    const local = chat?.findMember(key);
    if (!chat || !local || local.nickKey !== key) return;
    let holder: Awaited<ReturnType<RedisNickRegistry['holder']>>;
    try {
      holder = await this.options.nicks.holder(key);
    } catch {
      return;
    }
    // Free, or its holder's node is gone: nothing is certain yet; the next word will tell.
    if (holder === undefined || local.gone || local.nickKey !== key) return;
    if (holder.owner === `${this.options.nodeId}:${local.id}`) {
      this.options.roster.share(local);
      return;
    }
    try {
      await chat.renameToGuest(local, NICK_LOST);
    } catch {
      // No other nickname can be had now (Redis away, or this node lost): two users must not
      // go on under one name, so this one goes, and is told why.
      local.peer.disconnect(`Your nickname was given to another user first (${NICK_LOST})`);
    }
  }
}
