/**
 * Retention of the event store: completed events and finished workflow runs (with their steps)
 * older than `keepMs` are deleted in small batches, across tenants, by whichever process first
 * claims the period (a compare-and-set on the `hamlet_schedules` row `_hamlet`/`hamlet.prune`), so
 * several processes prune once per period, not once each. Dead letters, pending and running
 * events are never pruned; nor is a failed run while an event of its correlation id is still
 * pending, running or dead (a retried dead letter needs its run).
 */
import type { Database } from "../db/database.js";
import { toNumber } from "./rows.js";
import { asDispatcher } from "./store.js";

/** How long finished work stays in the event store (durable mode). */
export interface EventRetention {
  /**
   * Completed events and finished (completed or failed) workflow runs older than this are deleted
   * (default 7 days; `Infinity` keeps everything). Also the window of idempotency keys of
   * completed events: after it, the same key stores a new event.
   */
  readonly keepMs?: number;
  /** How often pruning runs, in one process of all that share the database (default 1 hour). */
  readonly everyMs?: number;
  /** Rows deleted per statement (default 500); batches follow each other after a short pause. */
  readonly batchSize?: number;
}

/** What one pruning pass deleted. */
export interface PruneResult {
  readonly events: number;
  readonly runs: number;
}

export const DEFAULT_RETENTION_MS = 7 * 24 * 3_600_000;
const DEFAULT_EVERY_MS = 3_600_000;
const DEFAULT_BATCH = 500;
/** Pause between batches, so pruning a large backlog never holds the database for long. */
const BATCH_PAUSE_MS = 20;
const PRUNE_TENANT = "_hamlet";
const PRUNE_NAME = "hamlet.prune";

/** Keeps the deletes on the partial indexes of old rows (no bitmap of every finished row, no sort). */
async function orderedScans(tx: Database): Promise<void> {
  if (tx.dialect !== "postgres") return;
  await tx.query("SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true)");
}

async function deleteEvents(db: Database, cutoff: number, limit: number): Promise<number> {
  return asDispatcher(db, async (tx) => {
    await orderedScans(tx);
    const result =
      tx.dialect === "postgres"
        ? await tx.execute(
            `DELETE FROM hamlet_events WHERE ctid = ANY (ARRAY(
               SELECT ctid FROM hamlet_events WHERE status = 'done' AND completed_at < $1
               ORDER BY completed_at LIMIT $2 FOR UPDATE SKIP LOCKED))`,
            [cutoff, limit],
          )
        : await tx.execute(
            `DELETE FROM hamlet_events WHERE rowid IN (
               SELECT rowid FROM hamlet_events WHERE status = 'done' AND completed_at < $1 ORDER BY completed_at LIMIT $2)`,
            [cutoff, limit],
          );
    return result.rowCount;
  });
}

const FINISHED_RUNS = `FROM hamlet_workflow_runs r
  WHERE r.status <> 'running' AND r.updated_at < $1
    AND NOT EXISTS (SELECT 1 FROM hamlet_events e WHERE e.tenant_id = r.tenant_id
      AND e.correlation_id = r.correlation_id AND e.status IN ('pending', 'running', 'dead'))`;

async function deleteRuns(db: Database, cutoff: number, limit: number): Promise<number> {
  return asDispatcher(db, async (tx) => {
    await orderedScans(tx);
    const runs = await tx.query<{ tenant_id: string; id: string }>(
      `SELECT r.tenant_id, r.id ${FINISHED_RUNS} ORDER BY r.updated_at LIMIT $2${tx.dialect === "postgres" ? " FOR UPDATE OF r SKIP LOCKED" : ""}`,
      [cutoff, limit],
    );
    if (runs.length === 0) return 0;
    const keys = JSON.stringify(runs.map((run) => [run.tenant_id, run.id]));
    const pairs =
      tx.dialect === "postgres"
        ? "SELECT k->>0, k->>1 FROM jsonb_array_elements($1::jsonb) k"
        : "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each($1)";
    await tx.execute(`DELETE FROM hamlet_workflow_steps WHERE (tenant_id, run_id) IN (${pairs})`, [keys]);
    await tx.execute(`DELETE FROM hamlet_workflow_waits WHERE (tenant_id, run_id) IN (${pairs})`, [keys]);
    const deleted = await tx.execute(`DELETE FROM hamlet_workflow_runs WHERE (tenant_id, id) IN (${pairs})`, [keys]);
    return deleted.rowCount;
  });
}

/** Runs `remove` batch after batch until it deletes fewer than `batchSize` rows or `stopped()`. */
async function inBatches(remove: () => Promise<number>, batchSize: number, stopped: () => boolean): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await remove();
    total += count;
    if (count < batchSize || stopped()) return total;
    await new Promise((resolve) => setTimeout(resolve, BATCH_PAUSE_MS));
  }
}

/** Deletes everything finished before `cutoff` (epoch ms), batch after batch, until none is left or `stopped()`. */
export async function pruneBefore(
  db: Database,
  cutoff: number,
  batchSize: number,
  stopped: () => boolean = () => false,
): Promise<PruneResult> {
  const events = await inBatches(() => deleteEvents(db, cutoff, batchSize), batchSize, stopped);
  const runs = await inBatches(() => deleteRuns(db, cutoff, batchSize), batchSize, stopped);
  return { events, runs };
}

/** Claims the pruning period that has started at `now`; false when another process has it. */
export async function claimPeriod(db: Database, now: number, everyMs: number): Promise<boolean> {
  return asDispatcher(db, async (tx) => {
    await tx.execute(
      `INSERT INTO hamlet_schedules (tenant_id, name, every_ms, next_due) VALUES ($1, $2, $3, 0)
       ON CONFLICT (tenant_id, name) DO NOTHING`,
      [PRUNE_TENANT, PRUNE_NAME, everyMs],
    );
    const [row] = await tx.query<{ next_due: number | string }>(
      "SELECT next_due FROM hamlet_schedules WHERE tenant_id = $1 AND name = $2",
      [PRUNE_TENANT, PRUNE_NAME],
    );
    if (row === undefined || toNumber(row.next_due) > now) return false;
    const moved = await tx.execute(
      `UPDATE hamlet_schedules SET next_due = $1, every_ms = $2, last_fired = $3
       WHERE tenant_id = $4 AND name = $5 AND next_due = $6`,
      [now + everyMs, everyMs, now, PRUNE_TENANT, PRUNE_NAME, row.next_due],
    );
    return moved.rowCount === 1;
  });
}

export interface Pruner {
  start(): void;
  /** Stops the timer and waits for a pass in progress (it stops after its current batch). */
  stop(): Promise<void>;
  /** Prunes now, without claiming the period (tests, the CLI, a manual clean-up). */
  pruneNow(): Promise<PruneResult>;
}

export interface PrunerOptions {
  readonly db: Database;
  readonly retention: EventRetention | false | undefined;
  readonly clock: () => number;
  readonly onError: (error: unknown) => void;
}

export function createPruner(options: PrunerOptions): Pruner {
  const { db, clock, onError } = options;
  const settings = options.retention === false ? { keepMs: Infinity } : (options.retention ?? {});
  const keepMs = settings.keepMs ?? DEFAULT_RETENTION_MS;
  const everyMs = Math.max(1000, settings.everyMs ?? DEFAULT_EVERY_MS);
  const batchSize = Math.max(1, Math.floor(settings.batchSize ?? DEFAULT_BATCH));
  const enabled = Number.isFinite(keepMs);
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running: Promise<void> | null = null;

  const pruneNow = (): Promise<PruneResult> =>
    enabled ? pruneBefore(db, clock() - keepMs, batchSize, () => stopped) : Promise.resolve({ events: 0, runs: 0 });

  async function tick(): Promise<void> {
    timer = null;
    if (stopped) return;
    try {
      if (await claimPeriod(db, clock(), everyMs)) await pruneNow();
    } catch (error) {
      onError(error);
    }
    if (!stopped) timer = setTimeout(() => void (running = tick()), everyMs);
  }

  return {
    start() {
      if (!enabled || timer !== null || stopped) return;
      // A little after start, so a restart storm of many processes does not all query at once.
      timer = setTimeout(() => void (running = tick()), Math.min(everyMs, 1000 + Math.random() * 4000));
    },
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await running;
    },
    pruneNow,
  };
}
