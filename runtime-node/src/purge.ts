/**
 * Deletes expired sessions and KV entries of every tenant, in the background. On PostgreSQL the
 * server's role cannot see other tenants' rows (RLS), so it calls `hamlet_purge_expired(now_ms)`,
 * the SECURITY DEFINER function the runtime-tables migration creates; on SQLite it deletes directly.
 */
import type { Clock } from "./clock.js";
import type { Database } from "./db/database.js";
import { toNumber } from "./db/rows.js";

/** Deletes rows of all tenants that expired at `now` (epoch ms); resolves to how many. */
export async function purgeExpired(db: Database, now: number): Promise<number> {
  if (db.dialect === "postgres") {
    const rows = await db.query<{ n: unknown }>("SELECT hamlet_purge_expired($1) AS n", [now]);
    return toNumber(rows[0]?.n ?? 0);
  }
  const sessions = await db.execute("DELETE FROM hamlet_sessions WHERE expires_at <= $1", [now]);
  const entries = await db.execute("DELETE FROM hamlet_kv WHERE expires_at IS NOT NULL AND expires_at <= $1", [now]);
  return sessions.rowCount + entries.rowCount;
}

/** A running background purge. */
export interface Purger {
  /** Runs one purge now (also what the timer does); resolves to the rows deleted. */
  runOnce(): Promise<number>;
  /** Stops the timer and waits for a purge in progress. */
  stop(): Promise<void>;
}

/** Purges every `intervalMs` (an unref'd timer, so it never keeps the process alive); errors go to `onError`. */
export function startPurger(options: {
  readonly db: Database;
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly onError: (error: unknown) => void;
  readonly onPurged?: (count: number) => void;
}): Purger {
  let running: Promise<number> | null = null;
  const runOnce = (): Promise<number> => {
    running ??= purgeExpired(options.db, options.clock()).finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => {
    runOnce().then((count) => options.onPurged?.(count), options.onError);
  }, options.intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
