/**
 * Where server-sent-event messages get their ids and are kept for replay.
 *
 * - {@link createTableLog} (the event store's `hamlet_sse_counters`/`hamlet_sse_messages`, both
 *   dialects): ids are a per-tenant gapless sequence, committed in id order across processes, and
 *   messages survive a restart for the replay window.
 * - {@link createMemoryLog} (no event store): ids come from this process, the last messages are
 *   kept in memory; best effort — nothing survives a restart and other processes' messages are
 *   not replayed.
 */
import type { Database } from "../db/database.js";

/** One published message as the log keeps it. */
export interface LoggedMessage {
  readonly id: number;
  readonly stream: string;
  /** Addressed session ids; `null` for every session of the tenant. */
  readonly sessions: readonly string[] | null;
  /** The encoded JSON text. */
  readonly data: string;
}

export interface SseLog {
  /** `true` when ids are gapless per tenant and messages survive restarts (the table log). */
  readonly durable: boolean;
  /** Assigns the next id of `tenant` and keeps the message. */
  append(tenant: string, message: Omit<LoggedMessage, "id">): Promise<LoggedMessage>;
  /** Kept messages of `tenant` with `after < id <= upTo` (all streams), in id order. */
  range(tenant: string, after: number, upTo?: number): Promise<LoggedMessage[]>;
  /** The last id given out in `tenant` (0 when none). */
  lastId(tenant: string): Promise<number>;
}

/** Options of the logs. */
export interface SseLogOptions {
  /** How long messages are kept for replay (default 5 minutes). */
  readonly replayWindowMs?: number;
  /** Messages kept per tenant by the memory log (default 1,000). */
  readonly memoryLimit?: number;
}

const DEFAULT_WINDOW_MS = 5 * 60_000;

interface Row {
  readonly id: number | string;
  readonly stream: string;
  readonly sessions: string | null;
  readonly data: string;
}

function fromRow(row: Row): LoggedMessage {
  return {
    id: Number(row.id),
    stream: row.stream,
    sessions: row.sessions === null ? null : (JSON.parse(row.sessions) as string[]),
    data: row.data,
  };
}

/** Whether the replay tables exist in `db` (the migrations create them with the event store). */
export async function hasReplayTables(db: Database): Promise<boolean> {
  const rows =
    db.dialect === "postgres"
      ? await db.query<{ found: string | null }>("select to_regclass('hamlet_sse_messages')::text as found")
      : await db.query<{ found: string | null }>(
          "select name as found from sqlite_master where type = 'table' and name = 'hamlet_sse_messages'",
        );
  return rows[0]?.found !== null && rows[0]?.found !== undefined;
}

/** The durable log over the replay tables; expired rows of a tenant are pruned while it publishes. */
export function createTableLog(db: Database, options: SseLogOptions = {}): SseLog {
  const windowMs = options.replayWindowMs ?? DEFAULT_WINDOW_MS;
  const prunedAt = new Map<string, number>();
  return {
    durable: true,
    async append(tenant, message) {
      return db.withTenant(tenant, async (tx) => {
        // The counter row stays locked until commit: a tenant's ids commit in order, without gaps.
        const rows = await tx.query<{ last_id: number | string }>(
          `insert into hamlet_sse_counters (tenant_id, last_id) values ($1, 1)
           on conflict (tenant_id) do update set last_id = hamlet_sse_counters.last_id + 1
           returning last_id`,
          [tenant],
        );
        const id = Number(rows[0]!.last_id);
        const now = Date.now();
        await tx.execute(
          "insert into hamlet_sse_messages (tenant_id, id, stream, sessions, data, created_at) values ($1, $2, $3, $4, $5, $6)",
          [
            tenant,
            id,
            message.stream,
            message.sessions === null ? null : JSON.stringify(message.sessions),
            message.data,
            now,
          ],
        );
        if (now - (prunedAt.get(tenant) ?? 0) > Math.max(1000, windowMs / 10)) {
          prunedAt.set(tenant, now);
          await tx.execute("delete from hamlet_sse_messages where tenant_id = $1 and created_at < $2", [
            tenant,
            now - windowMs,
          ]);
        }
        return { id, ...message };
      });
    },
    async range(tenant, after, upTo) {
      const rows = await db.withTenant(tenant, (tx) =>
        upTo === undefined
          ? tx.query<Row>(
              "select id, stream, sessions, data from hamlet_sse_messages where tenant_id = $1 and id > $2 order by id",
              [tenant, after],
            )
          : tx.query<Row>(
              "select id, stream, sessions, data from hamlet_sse_messages where tenant_id = $1 and id > $2 and id <= $3 order by id",
              [tenant, after, upTo],
            ),
      );
      return rows.map(fromRow);
    },
    async lastId(tenant) {
      const rows = await db.withTenant(tenant, (tx) =>
        tx.query<{ last_id: number | string }>("select last_id from hamlet_sse_counters where tenant_id = $1", [
          tenant,
        ]),
      );
      return rows[0] === undefined ? 0 : Number(rows[0].last_id);
    },
  };
}

/**
 * The best-effort log: ids continue from the wall clock (milliseconds × 1,000, so a restarted
 * process keeps counting upwards), the last `memoryLimit` messages per tenant within the window
 * are kept in this process.
 */
export function createMemoryLog(options: SseLogOptions = {}): SseLog {
  const windowMs = options.replayWindowMs ?? DEFAULT_WINDOW_MS;
  const limit = options.memoryLimit ?? 1000;
  const kept = new Map<string, { message: LoggedMessage; at: number }[]>();
  let last = 0;
  return {
    durable: false,
    async append(tenant, message) {
      last = Math.max(last + 1, Date.now() * 1000);
      const logged = { id: last, ...message };
      let list = kept.get(tenant);
      if (list === undefined) kept.set(tenant, (list = []));
      const now = Date.now();
      list.push({ message: logged, at: now });
      while (list.length > limit || (list[0] !== undefined && list[0].at < now - windowMs)) list.shift();
      return logged;
    },
    async range(tenant, after, upTo) {
      const list = kept.get(tenant) ?? [];
      return list
        .map((entry) => entry.message)
        .filter((message) => message.id > after && (upTo === undefined || message.id <= upTo));
    },
    async lastId() {
      return last;
    },
  };
}
