/**
 * Group commit of completions (PostgreSQL) for events whose handler opened no transaction: the
 * completions that arrive while one batch is on its way to the database go together in the
 * next, one round trip and one statement for many events. Each caller's promise resolves once
 * its completion committed. A claim lost meanwhile (lease expired, taken by another process)
 * simply matches no row: that process delivers the event again, as before.
 */
import type { Database } from "../db/database.js";
import { postgresLiteral } from "../db/postgres.js";
import type { EventRow } from "./rows.js";
import { completeEvent } from "./store.js";

interface Waiting {
  readonly row: EventRow;
  readonly token: string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Most completions per statement. */
const MAX_BATCH = 256;

export type CompleteAlone = (row: EventRow, token: string) => Promise<void>;

/** How this database completes an event whose handler opened no transaction. */
export function completionsFor(db: Database, clock: () => number): CompleteAlone {
  // SQLite: one autocommit UPDATE; its single connection gains nothing from batching.
  if (db.dialect === "sqlite") return (row, token) => completeEvent(db, row, token, clock());
  return batchedCompletions(db, clock);
}

export function batchedCompletions(db: Database, clock: () => number): CompleteAlone {
  const queue: Waiting[] = [];
  let flushing = false;

  async function flush(): Promise<void> {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      const values = batch
        .map(({ row, token }) => `(${[row.tenant_id, row.id, token].map(postgresLiteral).join(", ")})`)
        .join(", ");
      // One simple-protocol query = one implicit transaction: the dispatcher setting (policy
      // hamlet_event_dispatcher: rows of every tenant) lasts only for it.
      const sql = `SELECT set_config('hamlet.event_dispatcher', 'on', true);
UPDATE hamlet_events e SET status = 'done', completed_at = ${Math.trunc(clock())}, lease_until = NULL
FROM (VALUES ${values}) AS c(tenant_id, id, token)
WHERE e.tenant_id = c.tenant_id AND e.id = c.id AND e.locked_by = c.token AND e.status = 'running'`;
      try {
        await db.query(sql);
        for (const waiting of batch) waiting.resolve();
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    flushing = false;
  }

  return (row, token) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ row, token, resolve, reject });
      // Completions of the same turn of the event loop join the first; later ones wait for the
      // batch in flight and go in the next.
      if (!flushing) {
        flushing = true;
        setImmediate(() => void flush());
      }
    });
}
