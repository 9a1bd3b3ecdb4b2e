/**
 * Who owns which nickname. Async so a registry shared between server nodes (Redis) can
 * stand in for the in-process one without changing the core.
 */
export interface NickRegistry {
  /** Atomically takes `key` for `owner`; false if someone else holds it. */
  claim(key: string, owner: string): Promise<boolean>;
  /** Gives `key` up, only if `owner` still holds it. */
  release(key: string, owner: string): Promise<void>;
}

export class LocalNickRegistry implements NickRegistry {
  private readonly owners = new Map<string, string>();

  async claim(key: string, owner: string): Promise<boolean> {
    const holder = this.owners.get(key);
    if (holder !== undefined && holder !== owner) return false;
    this.owners.set(key, owner);
    return true;
  }

  async release(key: string, owner: string): Promise<void> {
    if (this.owners.get(key) === owner) this.owners.delete(key);
  }
}
