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

function expiryFor(now: number, ttlSeconds: number | undefined): number | null {
  if (ttlSeconds === undefined) return null;
  if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError("Hamlet KV: ttlSeconds must be a positive finite number");
  }
  return Math.floor(now + ttlSeconds * 1000);
}
