import { assertTenantId, type Database } from "../db/database.js";
import { toNumber } from "../db/rows.js";
import { inTenant } from "../db/tenant-scope.js";
import type { JsonObject } from "../json.js";

/** A stored session row. */
export interface StoredSession {
  readonly id: string;
  readonly tenantId: string;
  readonly data: JsonObject;
  /** Expiry in epoch milliseconds. */
  readonly expiresAt: number;
}

/** Server-side session rows of one tenant (table `hamlet_sessions`). */
export interface SessionStore {
  readonly tenantId: string;
  /** The session, or `null` when absent or expired at `now` (expired rows are deleted). */
  get(id: string, now: number): Promise<StoredSession | null>;
  insert(id: string, data: JsonObject, expiresAt: number): Promise<StoredSession>;
  /** Updates data and expiry; resolves to whether the session existed. */
  update(id: string, data: JsonObject, expiresAt: number): Promise<boolean>;
  /** Moves the expiry (sliding expiration); resolves to whether the session existed. */
  touch(id: string, expiresAt: number): Promise<boolean>;
  /** Atomically replaces session `oldId` with `newId` (same or new data). */
  replace(oldId: string, newId: string, data: JsonObject, expiresAt: number): Promise<StoredSession>;
  delete(id: string): Promise<boolean>;
  /** Deletes this tenant's sessions that expired at `now`; resolves to the count. */
  purgeExpired(now: number): Promise<number>;
}

interface SessionRow {
  id: string;
  data: string;
  expires_at: unknown;
}

/** Returns the session store of `tenantId`; every statement filters on the tenant and runs under RLS scope. */
export function sessionStoreFor(db: Database, tenantId: string): SessionStore {
  assertTenantId(tenantId);
  const scoped = <T>(fn: (tx: Database) => Promise<T>): Promise<T> => inTenant(db, tenantId, fn);
  const insertRow = async (tx: Database, id: string, data: JsonObject, expiresAt: number) => {
    await tx.execute("INSERT INTO hamlet_sessions (tenant_id, id, data, expires_at) VALUES ($1, $2, $3, $4)", [
      tenantId,
      id,
      JSON.stringify(data),
      expiresAt,
    ]);
    return { id, tenantId, data, expiresAt };
  };

  return {
    tenantId,
    get: (id, now) =>
      scoped(async (tx) => {
        const rows = await tx.query<SessionRow>(
          "SELECT id, data, expires_at FROM hamlet_sessions WHERE tenant_id = $1 AND id = $2",
          [tenantId, id],
        );
        const row = rows[0];
        if (row === undefined) return null;
        const expiresAt = toNumber(row.expires_at);
        if (expiresAt <= now) {
          await tx.execute("DELETE FROM hamlet_sessions WHERE tenant_id = $1 AND id = $2", [tenantId, id]);
          return null;
        }
        return {
          id: row.id,
          tenantId,
          data: JSON.parse(row.data) as JsonObject,
          expiresAt,
        };
      }),
    insert: (id, data, expiresAt) => scoped((tx) => insertRow(tx, id, data, expiresAt)),
    update: (id, data, expiresAt) =>
      scoped(async (tx) => {
        const result = await tx.execute(
          "UPDATE hamlet_sessions SET data = $3, expires_at = $4 WHERE tenant_id = $1 AND id = $2",
          [tenantId, id, JSON.stringify(data), expiresAt],
        );
        return result.rowCount > 0;
      }),
    touch: (id, expiresAt) =>
      scoped(async (tx) => {
        const result = await tx.execute("UPDATE hamlet_sessions SET expires_at = $3 WHERE tenant_id = $1 AND id = $2", [
          tenantId,
          id,
          expiresAt,
        ]);
        return result.rowCount > 0;
      }),
    replace: (oldId, newId, data, expiresAt) =>
      scoped((tx) =>
        tx.transaction(async (inner) => {
          await inner.execute("DELETE FROM hamlet_sessions WHERE tenant_id = $1 AND id = $2", [tenantId, oldId]);
          return insertRow(inner, newId, data, expiresAt);
        }),
      ),
    delete: (id) =>
      scoped(async (tx) => {
        const result = await tx.execute("DELETE FROM hamlet_sessions WHERE tenant_id = $1 AND id = $2", [tenantId, id]);
        return result.rowCount > 0;
      }),
    purgeExpired: (now) =>
      scoped(async (tx) => {
        const result = await tx.execute("DELETE FROM hamlet_sessions WHERE tenant_id = $1 AND expires_at <= $2", [
          tenantId,
          now,
        ]);
        return result.rowCount;
      }),
  };
}
