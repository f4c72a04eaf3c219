/**
 * `@schedule(every: d)`: periods are aligned to the Unix epoch (UTC), so every process computes the
 * same boundaries. A schedule row per tenant holds the next boundary (`next_due`); whichever
 * process first moves it forward with a compare-and-set stores the period's event (idempotency
 * key `schedule:<period start>`), so a period fires once however many processes run. After
 * downtime the schedule fires once, for the latest period that has started, and continues from
 * the next boundary: missed periods are not replayed.
 */
import type { Database } from "../db/database.js";
import { toNumber } from "./rows.js";
import { insertEvent } from "./store.js";
import type { EventDefinition } from "./types.js";

export interface SchedulerOptions {
  readonly db: Database;
  readonly events: readonly EventDefinition<unknown>[];
  readonly tenants: readonly string[];
  readonly clock: () => number;
  readonly pollMs: number;
  readonly onError: (error: unknown) => void;
  /** An event was stored, due at `dueAt`. */
  readonly wake: (dueAt: number) => void;
}

export interface Scheduler {
  start(): Promise<void>;
  stop(): void;
}

/** Start of the period of length `everyMs` that contains `time`. */
export function periodStart(time: number, everyMs: number): number {
  return Math.floor(time / everyMs) * everyMs;
}

/** How long before a period starts its event is stored: 100 ms, or a quarter of short periods. */
function leadMs(everyMs: number): number {
  return Math.min(100, Math.floor(everyMs / 4));
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { db, clock } = options;
  const scheduled = new Map(
    options.events.flatMap((event) => (event.schedule === undefined ? [] : [[event.name, event] as const])),
  );
  /** Last known `next_due` per tenant and schedule; a stale value only costs one failed compare-and-set. */
  const known = new Map<string, { tenant: string; name: string; nextDue: number }>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let failures = 0;

  async function register(): Promise<void> {
    const now = clock();
    for (const tenant of options.tenants) {
      await db.withTenant(tenant, async (tx) => {
        for (const [name, event] of scheduled) {
          const every = event.schedule!.everyMs;
          await tx.execute(
            `INSERT INTO hamlet_schedules (tenant_id, name, every_ms, next_due) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, name) DO UPDATE SET every_ms = excluded.every_ms,
               next_due = CASE WHEN hamlet_schedules.every_ms = excluded.every_ms THEN hamlet_schedules.next_due ELSE excluded.next_due END`,
            [tenant, name, every, periodStart(now, every) + every],
          );
          known.set(`${tenant}\u0000${name}`, { tenant, name, nextDue: await readNextDue(tx, tenant, name) });
        }
      });
    }
  }

  async function readNextDue(tx: Database, tenant: string, name: string): Promise<number> {
    const [row] = await tx.query<{ next_due: number | string }>(
      "SELECT next_due FROM hamlet_schedules WHERE tenant_id = $1 AND name = $2",
      [tenant, name],
    );
    return row === undefined ? Infinity : toNumber(row.next_due);
  }

  /** Fires the period that has started, if this process wins the compare-and-set. */
  async function fire(entry: { tenant: string; name: string; nextDue: number }): Promise<boolean> {
    const event = scheduled.get(entry.name)!;
    const every = event.schedule!.everyMs;
    const now = clock();
    // Fired a little ahead (the event waits for its due time in the store), so the store write
    // is not on the path between the period's start and the handler; after downtime: the current period.
    const slot = entry.nextDue > now ? entry.nextDue : periodStart(now, every);
    return db.withTenant(entry.tenant, async (tx: Database) => {
      const moved = await tx.execute(
        "UPDATE hamlet_schedules SET next_due = $1, last_fired = $2 WHERE tenant_id = $3 AND name = $4 AND next_due = $5",
        [slot + every, slot, entry.tenant, entry.name, entry.nextDue],
      );
      if (moved.rowCount !== 1) {
        entry.nextDue = await readNextDue(tx, entry.tenant, entry.name);
        return false;
      }
      await insertEvent(
        tx,
        { tenantId: entry.tenant },
        { name: entry.name, payload: event.schedule!.payload(slot), dueAt: slot, idempotencyKey: `schedule:${slot}` },
        clock(),
      );
      entry.nextDue = slot + every;
      return true;
    });
  }

  async function tick(): Promise<void> {
    timer = null;
    if (stopped) return;
    let retryAt = Infinity;
    try {
      for (const entry of known.values()) {
        const lead = leadMs(scheduled.get(entry.name)!.schedule!.everyMs);
        const before = entry.nextDue;
        if (before - lead <= clock() && (await fire(entry))) options.wake(Math.max(before, clock()));
      }
      failures = 0;
    } catch (error) {
      failures += 1;
      options.onError(error);
      retryAt = clock() + Math.min(10_000, 100 * 2 ** Math.min(failures, 7));
    }
    if (stopped) return;
    const now = clock();
    const next = Math.min(
      retryAt,
      ...[...known.values()].map((entry) => entry.nextDue - leadMs(scheduled.get(entry.name)!.schedule!.everyMs)),
    );
    timer = setTimeout(() => void tick(), Math.max(0, Math.min(next, now + options.pollMs) - now));
  }

  return {
    async start() {
      if (scheduled.size === 0) return;
      await register();
      await tick();
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
