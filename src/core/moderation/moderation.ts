import { ChatError } from '../errors.js';
import type { Fanout } from '../fanout.js';
import type { Member } from '../member.js';
import { foldCase } from '../names.js';
import type { Presence } from '../presence.js';
import { requireNick } from '../presence.js';
import type { Room } from '../room.js';
import type { RoomGate, Rooms } from '../rooms.js';
import type { Roster } from '../roster.js';
import { cleanReason } from '../rules.js';
import { ModerationAnswers } from './answers.js';
import {
  checkJoin,
  checkSpeak,
  checkTopic,
  isServerOperator,
  requireRoomOperator,
  rolesIn,
} from './enforcement.js';
import { SanctionExpiry } from './expiry.js';
import { isModeRecordChange, type ModeChange } from './mode-change.js';
import { ModeValidator } from './mode-validator.js';
import { recordsOf } from './records.js';
import { INVITE_LIFETIME_MS, RoomModeration } from './room-moderation.js';
import type { ModeOutcome } from './sanctions.js';
import { lift, maskFor, sanction } from './sanctions.js';
import {
  type ModerationChange,
  type ModerationStore,
  type NewAuditEntry,
  ROLE_BITS,
  ROLE_OP,
  ROLE_OWNER,
  rank,
  type Sanction,
  type SanctionKind,
  SERVER_WIDE,
} from './types.js';
import { writeModeration } from './write.js';

export interface ModerationOptions {
  store: ModerationStore;
  rooms: Rooms;
  presence: Presence;
  roster: Roster;
  fanout: Fanout;
  lobbyKey: string;
  serverName: string;
  now: () => number;
  /** Told when a store call nobody waits for failed (roles following a nickname, a room learned). */
  onStoreError?: (error: unknown) => void;
}

export type { ModeOutcome };

/**
 * Room moderation: roles, modes, kicks and sanctions. Each action is checked against the
 * actor's role, stored with its audit entry in one write, then applied here and told to the
 * room, whose members on other nodes apply it from the event (see applyFromElsewhere).
 */
export class Moderation implements RoomGate {
  /** Server-wide bans and mutes, set by server operators. */
  readonly serverWide = new RoomModeration();
  /** Modes, bans, mutes and the audit log as whoever asks may see them. */
  readonly answers: ModerationAnswers;
  private readonly validator: ModeValidator;
  private readonly expiry: SanctionExpiry;

  constructor(private readonly options: ModerationOptions) {
    this.validator = new ModeValidator(options.presence, options.roster, options.now);
    this.expiry = new SanctionExpiry(
      () => options.rooms.all(),
      (room, lifted) => this.ranOut(room, lifted),
      options.now,
    );
    this.answers = new ModerationAnswers(options.rooms, options.store, options.now);
  }

  /**
   * Brings back every room's modes, roles and sanctions (after the rooms are restored), or
   * one room's: a room another node made, whose owner that node stored.
   */
  async load(room?: Room): Promise<void> {
    const snapshot = await this.options.store.loadModeration(this.options.now(), room?.key);
    // The one room asked for may not be among the rooms yet (it is being made).
    const roomOf = (key: string) => (room?.key === key ? room : this.options.rooms.find(key));
    for (const record of snapshot.modes) {
      const found = roomOf(record.room);
      if (found) found.mod.modes = { ...record.modes };
    }
    for (const { room: key, nick, roles } of snapshot.roles) roomOf(key)?.mod.setRoles(nick, roles);
    for (const sanction of snapshot.sanctions) {
      const target = sanction.room === SERVER_WIDE ? this.serverWide : roomOf(sanction.room)?.mod;
      target?.putSanction(sanction);
    }
    this.expiry.sweep();
  }

  /** Stops waiting for timed sanctions to run out (the server is stopping). */
  stop(): void {
    this.expiry.stop();
  }

  /** The creator of a new room owns it; the lobby is everyone's, run by server operators. */
  async created(member: Member, room: Room): Promise<void> {
    if (room.key === this.options.lobbyKey || member.nickKey === undefined) return;
    const roles = ROLE_OWNER | ROLE_OP;
    await this.write(
      [{ kind: 'roles', room: room.key, nick: member.nickKey, roles }],
      [this.entry(room.key, member, 'create', room.name)],
    );
    room.mod.setRoles(member.nickKey, roles);
  }

  // ---- the rules, as Rooms and Messaging check them (RoomGate) ---------------------------

  mayJoin(member: Member, room: Room, key: string | undefined, size: number): void {
    checkJoin(room, member, key, size, this.serverWide, this.options.now());
  }

  maySpeak(member: Member, room: Room): void {
    checkSpeak(room, member, this.serverWide, this.options.now());
  }

  mayTopic(member: Member, room: Room): void {
    checkTopic(room, member);
  }

  /**
   * A member came into a room where their nickname holds roles: the room hears it from the
   * server, as IRC clients learn prefixes from MODE.
   */
  joined(member: Member, room: Room): void {
    const roles = rolesIn(room, member);
    if (roles === 0) return;
    const nick = member.nick!;
    const changes: ModeChange[] = [];
    for (const name of ['owner', 'op', 'voice'] as const) {
      if (roles & ROLE_BITS[name]) changes.push({ mode: name, on: true, nick });
    }
    this.options.fanout.publish(
      { type: 'mode', room: room.name, nick: this.options.serverName, changes, byServer: true },
      { rooms: [room.key] },
    );
  }

  /**
   * Makes the requested changes the member may make, in one write with their audit entries,
   * and tells the room; the others are refused, each with its reason.
   */
  async changeModes(
    member: Member,
    roomName: string,
    requested: ModeChange[],
  ): Promise<ModeOutcome> {
    requireNick(member);
    const room = this.options.rooms.named(roomName);
    // Everyone may drop their own roles; anything else is for operators.
    const dropsOwnRoles =
      requested.length > 0 &&
      requested.every(
        (change) =>
          (change.mode === 'owner' || change.mode === 'op' || change.mode === 'voice') &&
          !change.on &&
          foldCase(change.nick) === member.nickKey,
      );
    if (!dropsOwnRoles) requireRoomOperator(room, member);
    const actorRank = isServerOperator(member) ? rank(ROLE_OWNER) : rank(rolesIn(room, member));
    const plan = this.validator.plan(room, member, actorRank, requested);
    if (plan.applied.length === 0) return plan;
    const now = this.options.now();
    const { changes, entries } = recordsOf(room, plan.applied, plan.modes, member.nick!, now);
    await this.write(changes, entries);
    room.mod.modes = plan.modes;
    for (const change of plan.applied) {
      if (!isModeRecordChange(change)) this.applyChange(room, change, member.nick!, now);
    }
    this.options.fanout.publish(
      { type: 'mode', room: room.name, nick: member.nick!, changes: plan.applied },
      { rooms: [room.key], nicks: [member.nickKey!] },
    );
    return { applied: plan.applied, refused: plan.refused };
  }

  /** Puts a member of the room out of it, saying why; they may come back unless banned. */
  async kick(member: Member, roomName: string, nick: string, reason: string): Promise<void> {
    requireNick(member);
    const room = this.options.rooms.named(roomName);
    requireRoomOperator(room, member);
    const target = this.validator.memberOf(room, nick);
    this.validator.requireOutranked(room, member, target.key);
    const clean = cleanReason(reason) || member.nick!;
    await this.write([], [{ ...this.entry(room.key, member, 'kick', target.nick), reason: clean }]);
    this.options.fanout.publish(
      { type: 'kick', room: room.name, nick: member.nick!, target: target.nick, reason: clean },
      { rooms: [room.key] },
    );
    const local = this.options.presence.find(target.nick);
    if (local) this.options.rooms.expel(local, room);
  }

  /** Bans (and puts out of the room) or mutes a user or a mask, for a while or until lifted. */
  async sanction(
    member: Member,
    roomName: string,
    kind: SanctionKind,
    target: string,
    options: { durationMs?: number; reason?: string } = {},
  ): Promise<ModeOutcome> {
    const { presence, now } = this.options;
    const room = this.options.rooms.named(roomName);
    requireRoomOperator(room, member);
    const aimed = maskFor(presence, target).nick;
    if (aimed !== undefined) this.validator.requireOutranked(room, member, foldCase(aimed));
    const outcome = await sanction(this, presence, member, room.name, kind, target, {
      ...options,
      now: now(),
    });
    if (kind === 'ban' && aimed !== undefined && this.validator.isIn(room, foldCase(aimed))) {
      await this.kick(
        member,
        room.name,
        aimed,
        `Banned${options.reason ? `: ${options.reason}` : ''}`,
      );
    }
    return outcome;
  }

  /** Lifts a ban or mute: the one on a mask, or every one holding on a user. */
  lift(member: Member, roomName: string, kind: SanctionKind, target: string): Promise<ModeOutcome> {
    const room = this.options.rooms.named(roomName);
    requireRoomOperator(room, member);
    return lift(
      this,
      this.options.presence,
      member,
      room.name,
      kind,
      target,
      room,
      this.options.now(),
    );
  }

  /** Lets a user into the room once, past invite-only, its key and its limit. */
  invite(member: Member, roomName: string, nick: string, lifetimeMs = INVITE_LIFETIME_MS): void {
    requireNick(member);
    const room = this.options.rooms.named(roomName);
    if (!room.members.has(member)) {
      throw new ChatError('NOT_IN_ROOM', `You are not in ${room.name}.`, { about: [room.name] });
    }
    if (room.mod.modes.inviteOnly) requireRoomOperator(room, member);
    const target = this.options.presence.describe(nick);
    if (!target)
      throw new ChatError('NO_SUCH_NICK', `Nobody is called "${nick}".`, { about: [nick] });
    const key = foldCase(target.nick);
    if (this.validator.isIn(room, key)) {
      throw new ChatError('ALREADY_IN_ROOM', `${target.nick} is already in ${room.name}.`, {
        about: [target.nick, room.name],
      });
    }
    room.mod.invite(key, this.options.now() + lifetimeMs);
    this.options.fanout.publish(
      { type: 'invite', room: room.name, nick: member.nick!, target: target.nick },
      { nicks: [key, member.nickKey!] },
    );
  }

  /** Mode changes asked for by a door that reports one error per request (text, WebSocket). */
  async changeModesOrFail(
    member: Member,
    roomName: string,
    requested: ModeChange[],
  ): Promise<void> {
    const { refused } = await this.changeModes(member, roomName, requested);
    if (refused.length > 0) throw refused[0];
  }

  // ---- from other nodes and from nickname changes ----------------------------------------

  /** A change another node made and told: this node's copy of the room follows it. */
  applyFromElsewhere(room: Room, changes: readonly ModeChange[], by: string): void {
    for (const change of changes) this.applyChange(room, change, by, this.options.now());
  }

  /** A nickname's roles go with its holder to the new one, here and (if ours) in the store. */
  renamed(oldKey: string, newKey: string, store: boolean): void {
    for (const room of this.options.rooms.all()) {
      const roles = room.mod.rolesOf(oldKey);
      if (roles === 0) continue;
      room.mod.setRoles(oldKey, 0);
      room.mod.setRoles(newKey, room.mod.rolesOf(newKey) | roles);
    }
    if (store) {
      this.options.store
        .renameRoles(oldKey, newKey)
        .catch((error) => this.options.onStoreError?.(error));
    }
  }

  /**
   * A room another node made: its moderation is read from the store, where that node put it.
   * Until then the room is settling, and joins wait (its bans must hold from the start).
   */
  learned(room: Room): Promise<void> {
    const loading = this.load(room).finally(() => {
      if (room.settling === loading) room.settling = undefined;
    });
    room.settling = loading;
    return loading;
  }

  /** As learned, for callers that cannot wait: a failure is reported, not thrown. */
  learnInBackground(room: Room): void {
    this.learned(room).catch((error) => this.options.onStoreError?.(error));
  }

  /** A room expired: its moderation goes with it (its audit log stays). */
  forget(roomKey: string): Promise<void> {
    return this.options.store.forgetRoom(roomKey);
  }

  private applyChange(room: Room, change: ModeChange, by: string, now: number): void {
    const nickKey =
      'nick' in change && change.nick !== undefined ? foldCase(change.nick) : undefined;
    room.mod.apply(change, room.key, by, now, nickKey);
    if ((change.mode === 'ban' || change.mode === 'mute') && change.expiresAt !== undefined) {
      this.expiry.expect(change.expiresAt);
    }
  }

  /** Each node tells its own members: every node lifts the same sanctions at the same time. */
  private ranOut(room: Room, lifted: readonly Sanction[]): void {
    const changes = lifted.map(({ kind, mask }): ModeChange => ({ mode: kind, on: false, mask }));
    this.options.fanout.publish(
      { type: 'mode', room: room.name, nick: this.options.serverName, changes, byServer: true },
      { rooms: [room.key], local: true },
    );
  }

  private entry(room: string, member: Member, action: string, target: string): NewAuditEntry {
    return { room, time: this.options.now(), actor: member.nick!, action, target, reason: '' };
  }

  private async write(changes: ModerationChange[], entries: NewAuditEntry[]): Promise<void> {
    await writeModeration(this.options.store, changes, entries);
  }
}
