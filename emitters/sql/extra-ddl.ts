/**
 * DDL that is not derived from the models but must exist in every database the runtime serves:
 * the runtime's own tables (`runtime-tables.ts`), and later others (an event store). Each set is
 * data: statements per dialect, applied once by the numbered migrations (so `hamletc migrate`,
 * run as the owner role, creates them and the server needs no DDL privilege).
 *
 * The snapshot records which sets a migration already added (`extras`); a build adds the sets
 * it has not recorded yet to the next migration (the first one of a new project, or one named
 * after them in an existing project). To add a set: write a module like `runtime-tables.ts` and
 * list it in {@link EXTRA_DDL}; never change a released set's statements — add a new set with a
 * new name instead.
 */
import type { Schema } from "../../src/schema/types.js";
import type { Dialect } from "./ddl.js";
import { busTable } from "./bus-table.js";
import { eventStoreDdl } from "./event-store-ddl.js";
import { runtimeTables } from "./runtime-tables.js";
import { sseReplayDdl } from "./sse-replay.js";

export interface ExtraDdl {
  /** Stable name, recorded in snapshot.json once a migration contains the set (e.g. `hamlet_runtime_v1`). */
  readonly name: string;
  /** Slug of a migration that adds only this set. */
  readonly slug: string;
  /** Whether a schema needs the set (e.g. only with the database feature). */
  readonly wanted: (schema: Schema) => boolean;
  /** Statements of the `up` migration, per dialect, in order. */
  readonly up: Readonly<Record<Dialect, readonly string[]>>;
  /** Statements of the `down` migration, per dialect, in order. */
  readonly down: Readonly<Record<Dialect, readonly string[]>>;
  /**
   * For a set whose later versions re-run its idempotent statements under a new name: the prefix
   * of every version's name and the `down` of a migration that upgrades an earlier version.
   * Reverting an upgrade must not drop what the earlier version created (and the rows it holds).
   */
  readonly versions?: {
    readonly prefix: string;
    readonly downAfterEarlier: Readonly<Record<Dialect, readonly string[]>>;
  };
}

/** Every set, in the order migrations apply them. */
export const EXTRA_DDL: readonly ExtraDdl[] = [runtimeTables, eventStoreDdl, sseReplayDdl, busTable];

/** The `down` statements of `extra` in a migration made after the sets `recorded` were added. */
export function downOf(extra: ExtraDdl, recorded: readonly string[], dialect: Dialect): readonly string[] {
  const { versions } = extra;
  const upgrade = versions !== undefined && recorded.some((name) => name.startsWith(versions.prefix));
  return upgrade ? versions.downAfterEarlier[dialect] : extra.down[dialect];
}

/** The sets `schema` wants that `recorded` (the snapshot's `extras`) does not list yet. */
export function pendingExtras(schema: Schema, recorded: readonly string[]): ExtraDdl[] {
  return EXTRA_DDL.filter((extra) => extra.wanted(schema) && !recorded.includes(extra.name));
}
