import pg from "pg";
import { createTransactionHandle } from "./transaction-handle.js";
import { assertTenantId, type Database, type SqlParam } from "./database.js";

/** Options for {@link openPostgresDatabase}. */
export interface PostgresOptions {
  /** Maximum pool size (default 10). */
  readonly maxConnections?: number;
  /** Called when an idle pooled connection fails (default: ignored; the pool drops it). */
  readonly onPoolError?: (error: Error) => void;
}

type Queryable = pg.Pool | pg.PoolClient;

/** Statements to send together with COMMIT, by top-level transaction handle (see {@link runAtCommit}). */
const commitStatements = new WeakMap<Database, string>();

/**
 * Runs `sql` (a complete statement with literals, no placeholders) in the same round trip as the
 * COMMIT of `tx`, a top-level PostgreSQL transaction handle; when it fails the transaction rolls
 * back and the transaction's promise rejects with its error. Returns false (and does nothing) for
 * other handles. Used by the event dispatcher to commit an event's completion with its effects.
 */
export function runAtCommit(tx: Database, sql: string): boolean {
  if (!topLevelHandles.has(tx)) return false;
  commitStatements.set(tx, sql);
  return true;
}

const topLevelHandles = new WeakSet<Database>();

/** A PostgreSQL string literal (node-postgres' escapeLiteral, without a client). */
export function postgresLiteral(text: string): string {
  const quoted = `'${text.replace(/'/g, "''").replace(/\\/g, "\\\\")}'`;
  return text.includes("\\") ? ` E${quoted}` : quoted;
}

const SET_TENANT = "select set_config('hamlet.tenant_id', $1, true)";

/**
 * Opens a PostgreSQL connection pool. `int8`/`numeric` columns come back as
 * strings (node-postgres defaults); `json`/`jsonb` columns are parsed.
 * `withTenant` sets the transaction-local `hamlet.tenant_id` read by RLS policies.
 */
export function openPostgresDatabase(connectionString: string, options: PostgresOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
  });
  pool.on("error", options.onPoolError ?? (() => undefined));
  let savepoints = 0;

  async function runQuery<T>(target: Queryable, sql: string, params: readonly SqlParam[]): Promise<T[]> {
    const result = await target.query(sql, params.map(toPgValue));
    return (result.rows ?? []) as T[];
  }

  async function runExecute(target: Queryable, sql: string, params: readonly SqlParam[]) {
    const result = await target.query(sql, params.map(toPgValue));
    return { rowCount: result.rowCount ?? 0 };
  }

  function transactionHandle(client: pg.PoolClient, tenantId: string | null): { handle: Database; end(): void } {
    const nested = async <T>(nestedTenant: string | null, fn: (tx: Database) => Promise<T>): Promise<T> => {
      const name = `hamlet_sp_${++savepoints}`;
      await client.query(`SAVEPOINT ${name}`);
      const switchesTenant = nestedTenant !== tenantId;
      if (switchesTenant) await client.query(SET_TENANT, [nestedTenant ?? ""]);
      const inner = transactionHandle(client, nestedTenant);
      try {
        const result = await fn(inner.handle);
        await client.query(`RELEASE SAVEPOINT ${name}`);
        // A released savepoint keeps its SET LOCAL; restore the outer tenant.
        if (switchesTenant) await client.query(SET_TENANT, [tenantId ?? ""]);
        return result;
      } catch (error) {
        await client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        await client.query(`RELEASE SAVEPOINT ${name}`);
        throw error;
      } finally {
        inner.end();
      }
    };
    return createTransactionHandle({
      dialect: "postgres",
      tenantId,
      query: (sql, params) => runQuery(client, sql, params),
      execute: (sql, params) => runExecute(client, sql, params),
      nested,
    });
  }

  async function begin<T>(tenantId: string | null, fn: (tx: Database) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    // A checked-out client has no pool listener: without this, a connection killed mid-transaction
    // (server restart, pg_terminate_backend) emits an uncaught 'error' and takes the process down.
    // The pending query rejects anyway, so the transaction fails normally.
    const onClientError = (): void => void (broken = true);
    client.on("error", onClientError);
    const tx = transactionHandle(client, tenantId);
    topLevelHandles.add(tx.handle);
    try {
      // One round trip for both: a simple-protocol query may hold several statements.
      if (tenantId === null) await client.query("BEGIN");
      else await client.query(`BEGIN; SELECT set_config('hamlet.tenant_id', ${client.escapeLiteral(tenantId)}, true)`);
      const result = await fn(tx.handle);
      const final = commitStatements.get(tx.handle);
      // The final statement and COMMIT in one round trip: an error in it skips the COMMIT.
      await client.query(final === undefined ? "COMMIT" : `${final}; COMMIT`);
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true;
      }
      throw error;
    } finally {
      tx.end();
      client.off("error", onClientError);
      client.release(broken);
    }
  }

  return {
    dialect: "postgres",
    tenantId: null,
    query: <T extends object>(sql: string, params: readonly SqlParam[] = []) => runQuery<T>(pool, sql, params),
    execute: (sql, params = []) => runExecute(pool, sql, params),
    transaction: (fn) => begin(null, fn),
    withTenant: async (tenantId, fn) => {
      assertTenantId(tenantId);
      return begin(tenantId, fn);
    },
    close: () => pool.end(),
  };
}

function toPgValue(value: SqlParam): string | number | boolean | Buffer | null {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value as string | number | boolean | Buffer | null;
}
