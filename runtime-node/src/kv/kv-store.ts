import { systemClock, type Clock } from "../clock.js";
import { assertTenantId, type Database } from "../db/database.js";
import { toNullableNumber } from "../db/rows.js";
import { inTenant } from "../db/tenant-scope.js";
import type { JsonValue } from "../json.js";

/** One live key/value entry. */
export interface KvEntry {
  readonly key: string;
  readonly value: JsonValue;
  /** Expiry in epoch milliseconds, or `null` for no expiry. */
  readonly expiresAt: number | null;
}

/** Options for {@link KvStore.set}. */
export interface KvSetOptions {
  /** Time to live in seconds (> 0); omitted means the entry never expires. */
  readonly ttlSeconds?: number;
}

/** Options for {@link KvStore.increment}. */
export interface KvIncrementOptions {
  /** Amount to add (an integer, default 1; may be negative). */
  readonly by?: number;
  /**
   * Time to live in seconds (> 0) given to the counter when it is created (or restarted after
   * it expired); incrementing a live counter keeps its expiry. This makes a fixed-window limit.
   */
  readonly ttlSeconds?: number;
}

/** Options for {@link kvFor}. */
export interface KvOptions {
  /** Clock used for TTLs (default: `Date.now`). */
  readonly clock?: Clock;
}

/**
 * A key/value store scoped to one tenant (table `hamlet_kv`). Values are JSON.
 * Expired entries are invisible immediately; they are deleted lazily on `get`
 * and in bulk by `purgeExpired`.
 */
export interface KvStore {
  readonly tenantId: string;
  /** The value stored under `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<JsonValue | undefined>;
  /** Stores `value` under `key`, replacing any previous value and TTL. */
  set(key: string, value: JsonValue, options?: KvSetOptions): Promise<void>;
  /**
   * Atomically adds `by` (default 1) to the integer stored under `key` and resolves to the new
   * value; an absent or expired key counts from 0 and gets `ttlSeconds`. Concurrent calls never
   * lose an increment (one statement; no read-then-write). Throws when the stored value is not an
   * integer.
   */
  increment(key: string, options?: KvIncrementOptions): Promise<number>;
  /**
   * Atomically replaces the value under `key` with `next` only if it currently is `expected`
   * (`undefined`: only if the key is absent or expired); resolves to whether it did. Values are
   * compared as JSON text, so objects must have the same key order. `next`'s TTL replaces the old one.
   */
  compareAndSet(
    key: string,
    expected: JsonValue | undefined,
    next: JsonValue,
    options?: KvSetOptions,
  ): Promise<boolean>;
  /** Deletes `key`; resolves to whether a live entry was removed. */
  delete(key: string): Promise<boolean>;
  /** Live entries whose key starts with `prefix` (default: all), sorted by key (code units). */
  list(prefix?: string): Promise<KvEntry[]>;
  /** Deletes this tenant's expired entries; resolves to how many were removed. */
  purgeExpired(): Promise<number>;
}

interface KvRow {
  key: string;
  value: string;
  expires_at: unknown;
}

/**
 * Returns the KV store of `tenantId` on `db`. Every statement filters on the tenant
 * and runs inside `withTenant` (so PostgreSQL RLS applies) unless `db` already is a
 * handle scoped to that tenant.
 */
export function kvFor(db: Database, tenantId: string, options: KvOptions = {}): KvStore {
  assertTenantId(tenantId);
  const clock = options.clock ?? systemClock;
  const scoped = <T>(fn: (tx: Database) => Promise<T>): Promise<T> => inTenant(db, tenantId, fn);

  return {
    tenantId,
    get: (key) =>
      scoped(async (tx) => {
        const now = clock();
        const rows = await tx.query<KvRow>(
          "SELECT key, value, expires_at FROM hamlet_kv WHERE tenant_id = $1 AND key = $2",
          [tenantId, key],
        );
        const row = rows[0];
        if (row === undefined) return undefined;
        const expiresAt = toNullableNumber(row.expires_at);
        if (expiresAt !== null && expiresAt <= now) {
          await tx.execute("DELETE FROM hamlet_kv WHERE tenant_id = $1 AND key = $2 AND expires_at <= $3", [
            tenantId,
            key,
            now,
          ]);
          return undefined;
        }
        return JSON.parse(row.value) as JsonValue;
      }),

    set: (key, value, setOptions = {}) =>
      scoped(async (tx) => {
        const json = JSON.stringify(value);
        if (json === undefined) throw new TypeError("Hamlet KV: value is not JSON-serializable");
        const expiresAt = expiryFor(clock(), setOptions.ttlSeconds);
        await tx.execute(
          `INSERT INTO hamlet_kv (tenant_id, key, value, expires_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
          [tenantId, key, json, expiresAt],
        );
      }),

    increment: (key, incrementOptions = {}) =>
      scoped(async (tx) => {
        const by = incrementOptions.by ?? 1;
        if (!Number.isSafeInteger(by)) throw new RangeError("Hamlet KV: increment `by` must be a safe integer");
        const now = clock();
        const expiresAt = expiryFor(now, incrementOptions.ttlSeconds);
        const rows = await tx.query<{ value: string }>(
          `INSERT INTO hamlet_kv (tenant_id, key, value, expires_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, key) DO UPDATE SET
             value = CASE WHEN ${expiredAt("$5")} THEN excluded.value
                          ELSE CAST(CAST(hamlet_kv.value AS BIGINT) + CAST($6 AS BIGINT) AS TEXT) END,
             expires_at = CASE WHEN ${expiredAt("$5")} THEN excluded.expires_at ELSE hamlet_kv.expires_at END
           WHERE ${expiredAt("$5")} OR ${INTEGER_TEXT[tx.dialect]}
           RETURNING value`,
          [tenantId, key, String(by), expiresAt, now, by],
        );
        const row = rows[0];
        if (row === undefined) throw new TypeError(`Hamlet KV: the value of ${JSON.stringify(key)} is not an integer`);
        return Number(row.value);
      }),

    compareAndSet: (key, expected, next, setOptions = {}) =>
      scoped(async (tx) => {
        const json = JSON.stringify(next);
        if (json === undefined) throw new TypeError("Hamlet KV: value is not JSON-serializable");
        const now = clock();
        const expiresAt = expiryFor(now, setOptions.ttlSeconds);
        if (expected === undefined) {
          const result = await tx.execute(
            `INSERT INTO hamlet_kv (tenant_id, key, value, expires_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
             WHERE ${expiredAt("$5")}`,
            [tenantId, key, json, expiresAt, now],
          );
          return result.rowCount > 0;
        }
        const expectedJson = JSON.stringify(expected);
        const result = await tx.execute(
          `UPDATE hamlet_kv SET value = $3, expires_at = $4
           WHERE tenant_id = $1 AND key = $2 AND value = $5 AND (expires_at IS NULL OR expires_at > $6)`,
          [tenantId, key, json, expiresAt, expectedJson, now],
        );
        return result.rowCount > 0;
      }),

    delete: (key) =>
      scoped(async (tx) => {
        const result = await tx.execute(
          "DELETE FROM hamlet_kv WHERE tenant_id = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)",
          [tenantId, key, clock()],
        );
        await tx.execute("DELETE FROM hamlet_kv WHERE tenant_id = $1 AND key = $2", [tenantId, key]);
        return result.rowCount > 0;
      }),

    list: (prefix = "") =>
      scoped(async (tx) => {
        const rows = await tx.query<KvRow>(
          `SELECT key, value, expires_at FROM hamlet_kv
           WHERE tenant_id = $1 AND substr(key, 1, length($2)) = $2 AND (expires_at IS NULL OR expires_at > $3)`,
          [tenantId, prefix, clock()],
        );
        return rows
          .map((row) => ({
            key: row.key,
            value: JSON.parse(row.value) as JsonValue,
            expiresAt: toNullableNumber(row.expires_at),
          }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      }),

    purgeExpired: () =>
      scoped(async (tx) => {
        const result = await tx.execute("DELETE FROM hamlet_kv WHERE tenant_id = $1 AND expires_at <= $2", [
          tenantId,
          clock(),
        ]);
        return result.rowCount;
      }),
  };
}

/** SQL: the existing row (`hamlet_kv`) has expired at the time bound to `nowParam`. */
function expiredAt(nowParam: string): string {
  return `(hamlet_kv.expires_at IS NOT NULL AND hamlet_kv.expires_at <= ${nowParam})`;
}

/** SQL: the existing row's JSON text is an integer (what `increment` can add to). */
const INTEGER_TEXT: Record<Database["dialect"], string> = {
  postgres: "hamlet_kv.value ~ '^-?[0-9]{1,18}$'",
  sqlite:
    "(hamlet_kv.value NOT GLOB '*[^0-9-]*' AND hamlet_kv.value GLOB '*[0-9]*' AND length(hamlet_kv.value) <= 19 AND instr(substr(hamlet_kv.value, 2), '-') = 0)",
};

function expiryFor(now: number, ttlSeconds: number | undefined): number | null {
  if (ttlSeconds === undefined) return null;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError("Hamlet KV: ttlSeconds must be a positive finite number");
  }
  return Math.floor(now + ttlSeconds * 1000);
}
