import type { ChatEvent } from './events.js';
import type { Audience, Fanout } from './fanout.js';
import type { RoomRecord } from './history.js';
import type { Member } from './member.js';
import type { Moderation } from './moderation/moderation.js';
import { INVITE_LIFETIME_MS } from './moderation/room-moderation.js';
import { foldCase } from './names.js';
import type { NickHistory } from './nick-history.js';
import type { ServerOperators } from './operators/operators.js';
import type { Room } from './room.js';
import type { Rooms } from './rooms.js';
import type { RemoteMember, Roster } from './roster.js';
import { cleanReason } from './rules.js';

/**
 * What happened on other server nodes, brought to this node's members: the rooms' state here
 * (replays, topics, big rooms' summaries) follows it first, then the members in its audience
 * hear of it as if it had happened here. The cluster hands events over once each, and room
 * messages in id order.
 */
export class FromElsewhere {
  constructor(
    private readonly rooms: Rooms,
    private readonly fanout: Fanout,
    private readonly historyOnJoin: number,
    private readonly now: () => number,
    /** What other nodes' users look like, while the roster still has them. */
    private readonly roster: Roster,
    /** Where nicknames given up are remembered (WHOWAS). */
    private readonly past: NickHistory,
    /** Rooms' modes, roles and sanctions, which follow what other nodes' operators did. */
    private readonly moderation: Moderation,
    /** What other nodes' server operators did that holds here: kills, server bans. */
    private readonly operators: ServerOperators,
    /** The member connected here with this nickname, if any. */
    private readonly localMember: (nick: string) => Member | undefined,
  ) {}

  receive(event: ChatEvent, audience: Audience): void {
    switch (event.type) {
      case 'message': {
        const room = this.room(event.room, event.time);
        room.remember(
          {
            target: room.key,
            id: event.id,
            sender: event.from,
            text: event.text,
            action: event.action,
            time: event.time,
          },
          this.historyOnJoin,
        );
        break;
      }
      case 'topic': {
        const room = this.room(event.room, this.now());
        room.topic = event.topic;
        room.topicSetBy = event.nick;
        room.topicSetAt = this.now();
        break;
      }
      case 'join': {
        const room = this.room(event.room, this.now());
        if (event.crowd) this.rooms.crowd.joined(room.key, room.name, event.nick);
        break;
      }
      case 'part':
        if (event.crowd) {
          const room = this.room(event.room, this.now());
          this.rooms.crowd.left(room.key, room.name, event.nick);
        }
        break;
      case 'quit': {
        // Told before the roster forgets the user (the member's update follows the quit).
        const user = this.roster.find(foldCase(event.nick));
        if (user && !event.crowd) this.past.add(user, this.now());
        if (event.crowd) {
          for (const key of audience.rooms ?? []) {
            const room = this.rooms.find(key);
            if (room) this.rooms.crowd.left(room.key, room.name, event.nick);
          }
        }
        break;
      }
      case 'nick': {
        // The roster has the new nickname by now: the user as they were, under the old one.
        const user = this.roster.find(foldCase(event.newNick));
        if (user) this.past.add({ ...user, nick: event.oldNick }, this.now());
        // Their node stored the move; a forced rename leaves the roles with the old nickname.
        if (!event.forced) {
          this.moderation.renamed(foldCase(event.oldNick), foldCase(event.newNick), false);
        }
        break;
      }
      case 'mode':
        this.moderation.applyFromElsewhere(
          this.room(event.room, this.now()),
          event.changes,
          event.nick,
        );
        break;
      case 'invite':
        this.room(event.room, this.now()).mod.invite(
          foldCase(event.target),
          this.now() + INVITE_LIFETIME_MS,
        );
        break;
      case 'kick': {
        // The kicked member hears it before leaving, as everyone else in the room does.
        this.fanout.publish(event, { ...audience, local: true });
        const room = this.rooms.find(event.room);
        const member = this.localMember(event.target);
        if (room && member) this.rooms.expel(member, room);
        return;
      }
      case 'kill':
      case 'server-ban':
        this.operators.fromElsewhere(event);
        return;
      // Each node sums up its big rooms for itself, and says its own goodbyes.
      case 'crowd':
      case 'notice':
        return;
      default:
        break;
    }
    this.fanout.publish(event, { ...audience, local: true });
  }

  /**
   * Users whose node was lost (it died, or lost touch with the cluster): the members here who
   * shared a room with them hear that they quit, and why.
   */
  lost(members: Iterable<RemoteMember>, reason: string): void {
    for (const member of members) {
      this.past.add(member, this.now());
      const keys = member.rooms.map((name) => foldCase(name));
      const { rooms, crowdedRooms } = this.rooms.leaveAll(keys, member.nick);
      const quit = { type: 'quit', nick: member.nick, reason: cleanReason(reason) } as const;
      if (rooms.length > 0) this.fanout.publish(quit, { rooms, local: true });
      if (crowdedRooms.length > 0) {
        this.fanout.publish(
          { ...quit, crowd: true },
          { rooms: crowdedRooms, exceptRooms: rooms, local: true },
        );
      }
    }
  }

  /**
   * A room made on another node, known here from now on; its latest messages are read from
   * the store for the replay on joining it here.
   */
  async learnRoom(record: RoomRecord): Promise<void> {
    const room = this.rooms.learn(record);
    await Promise.all([this.rooms.refresh(room), this.moderation.learned(room)]);
  }

  /** The room an event from elsewhere is about; one missed on its way here is learned now. */
  private room(name: string, time: number): Room {
    const known = this.rooms.find(name);
    if (known) return known;
    const room = this.rooms.learn({
      key: foldCase(name),
      name,
      topic: '',
      topicSetBy: undefined,
      topicSetAt: undefined,
      createdBy: '',
      createdAt: time,
    });
    // Its owner, modes and bans are in the store; events meanwhile apply as they come.
    this.moderation.learnInBackground(room);
    return room;
  }
}
