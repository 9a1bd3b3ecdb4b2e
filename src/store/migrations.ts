/** One step of a schema's history. Applied in order, each once, each in its own transaction. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.at(-1)?.version ?? 0;
}

export function pendingMigrations(
  migrations: readonly Migration[],
  current: number,
  target: number,
): Migration[] {
  return migrations.filter((step) => step.version > current && step.version <= target);
}

/** Raised when the store cannot be opened; the CLI prints it without a stack trace. */
export class StoreOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}
