import { randomBytes } from 'node:crypto';
import type {
  AuditEntry,
  ModerationChange,
  ModerationSnapshot,
  ModerationStore,
  NewAuditEntry,
  RoomModes,
  Sanction,
} from './types.js';

/** Moderation kept in this process only: a server without a store, the memory store, tests. */
export class LocalModerationStore implements ModerationStore {
  private readonly modes = new Map<string, RoomModes>();
  /** Roles by room key, then nickname key. */
  private readonly roles = new Map<string, Map<string, number>>();
  /** Sanctions by `${room}\n${kind}\n${mask}`. */
  private readonly sanctions = new Map<string, Sanction>();
  private readonly audit: AuditEntry[] = [];
  private readonly secrets = new Map<string, string>();

  async loadModeration(now: number, room?: string): Promise<ModerationSnapshot> {
    const wanted = (key: string) => room === undefined || key === room;
    return {
      modes: [...this.modes]
        .filter(([key]) => wanted(key))
        .map(([key, modes]) => ({ room: key, modes: { ...modes } })),
      roles: [...this.roles]
        .filter(([key]) => wanted(key))
        .flatMap(([key, byNick]) =>
          [...byNick].map(([nick, roles]) => ({ room: key, nick, roles })),
        ),
      sanctions: [...this.sanctions.values()]
        .filter((sanction) => wanted(sanction.room))
        .filter((sanction) => sanction.expiresAt === undefined || sanction.expiresAt > now)
        .map((sanction) => ({ ...sanction })),
    };
  }

  async moderate(
    changes: readonly ModerationChange[],
    entries: readonly NewAuditEntry[],
  ): Promise<AuditEntry[]> {
    for (const change of changes) this.apply(change);
    return entries.map((entry) => {
      const stored = { ...entry, id: this.audit.length + 1 };
      this.audit.push(stored);
      return { ...stored };
    });
  }

  async renameRoles(oldNick: string, newNick: string): Promise<void> {
    for (const byNick of this.roles.values()) {
      const roles = byNick.get(oldNick);
      if (roles === undefined) continue;
      byNick.delete(oldNick);
      byNick.set(newNick, (byNick.get(newNick) ?? 0) | roles);
    }
  }

  async readAudit(query: { room?: string; limit: number; before?: number }): Promise<AuditEntry[]> {
    const found: AuditEntry[] = [];
    for (let at = this.audit.length - 1; at >= 0 && found.length < query.limit; at--) {
      const entry = this.audit[at]!;
      if (query.before !== undefined && entry.id >= query.before) continue;
      if (query.room !== undefined && entry.room !== query.room) continue;
      found.push({ ...entry });
    }
    return found;
  }

  async forgetRoom(room: string): Promise<void> {
    this.modes.delete(room);
    this.roles.delete(room);
    for (const [key, sanction] of this.sanctions) {
      if (sanction.room === room) this.sanctions.delete(key);
    }
  }

  async secret(name: string): Promise<string> {
    let secret = this.secrets.get(name);
    if (secret === undefined) {
      secret = randomBytes(32).toString('base64url');
      this.secrets.set(name, secret);
    }
    return secret;
  }

  private apply(change: ModerationChange): void {
    switch (change.kind) {
      case 'modes':
        this.modes.set(change.room, { ...change.modes });
        return;
      case 'roles': {
        let byNick = this.roles.get(change.room);
        if (!byNick) {
          byNick = new Map();
          this.roles.set(change.room, byNick);
        }
        if (change.roles === 0) byNick.delete(change.nick);
        else byNick.set(change.nick, change.roles);
        return;
      }
      case 'sanction': {
        const { room, kind, mask } = change.sanction;
        this.sanctions.set(sanctionKey(room, kind, mask), { ...change.sanction });
        return;
      }
      case 'lift':
        this.sanctions.delete(sanctionKey(change.room, change.sanction, change.mask));
        return;
    }
  }
}

/** Masks are matched without regard to case, so they are stored under their lower case. */
function sanctionKey(room: string, kind: string, mask: string): string {
  return `${room}\n${kind}\n${mask.toLowerCase()}`;
}
