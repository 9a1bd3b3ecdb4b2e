/**
 * What one row of the settings table says. The table is plain data that any layer may import
 * for a default, so this file and the table import nothing of ours: the parsing, the help
 * text and the docs are made from it elsewhere (kinds.ts, help.ts, docs.ts).
 */

/** Where a setting appears in `chatroom serve --help` and in docs/operations.md. */
export type Group = 'doors' | 'history' | 'limits' | 'rooms' | 'cluster' | 'general';

/** The unit a number is given in; the server may keep it in another (seconds become ms). */
export type Unit = 'bytes' | 'seconds' | 'minutes' | 'days';

/** Extra rules for a text value, each with its own error message (kinds.ts). */
export type TextCheck = 'host-name' | 'postgres-url' | 'redis-url' | 'node-id';

/** What the items of a comma-separated list must be (kinds.ts). */
export type ListCheck = 'origins' | 'host-names' | 'addresses';

interface Common {
  /**
   * The flag, without its dashes. The config file key is the table's key for the row, which
   * is this in camelCase, and the environment variable is CHATROOM_ and this in capitals with
   * "_" for "-" (settings.test.ts holds every row to both rules).
   */
  flag: string;
  /** What follows the flag in help and docs: N, N|off, SECS, LIST... */
  arg: string;
  group: Group;
  /** For `chatroom serve --help`: plain text, wrapped there; {default} stands for the default. */
  help: string;
  /** The Meaning column of docs/operations.md, in Markdown. */
  doc: string;
  /** The Default column, when the value alone would not say it; {default} as in help. */
  docDefault?: string;
}

export type Setting = Common &
  (
    | {
        /** A port number (0 lets the system pick one), or "off" (null) to close the door. */
        kind: 'port';
        default: number | null;
      }
    | {
        /** count: a whole number, 0 usually meaning none or no limit; positive: at least 1. */
        kind: 'count' | 'positive';
        unit?: Unit;
        default: number;
      }
    | { kind: 'text'; check?: TextCheck; default: string | undefined }
    | { kind: 'list'; check: ListCheck; default: readonly string[] | undefined }
    | { kind: 'enum'; values: readonly string[]; default: string | undefined }
  );

/** The value a setting's row stands for, as flags, environment and file give it. */
export type ValueOf<S extends Setting> =
  | (S extends { kind: 'port' }
      ? number | null
      : S extends { kind: 'count' | 'positive' }
        ? number
        : S extends { kind: 'enum'; values: readonly (infer V)[] }
          ? V
          : S extends { kind: 'list' }
            ? readonly string[]
            : string)
  | (undefined extends S['default'] ? undefined : never);
