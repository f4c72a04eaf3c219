import pg from "pg";
import { createTransactionHandle } from "./transaction-handle.js";
import { assertTenantId, type Database, type SqlParam } from "./database.js";

/** Options for {@link openPostgresDatabase}. */
export interface PostgresOptions {
  /** Maximum pool size (default 10). */
  readonly maxConnections?: number;
  /**
   * Called when a pooled connection fails, idle or checked out (the database restarted, failed
   * over, or terminated the backend). The pool has already dropped that connection and opens a
   * new one on demand; requests that were using it fail with an error that
   * `isDatabaseUnavailable` recognises. Default: ignored.
   */
  readonly onConnectionError?: (error: Error) => void;
  /** How long `connect` waits for a free or new connection before failing (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
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

/**
 * A client that always has an 'error' listener. node-postgres emits 'error' on a client whose
 * socket dies, and the pool listens only while the client is idle; in the gaps (connecting,
 * between a query's own listener and the release) an unhandled 'error' would kill the process.
 * Failed queries still reject and the pool still drops the client (it is no longer queryable).
 */
class GuardedClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on("error", () => undefined);
  }
}

const SET_TENANT = "select set_config('hamlet.tenant_id', $1, true)";

/**
 * Opens a PostgreSQL connection pool. `int8`/`numeric` columns come back as
 * strings (node-postgres defaults); `json`/`jsonb` columns are parsed.
 * `withTenant` sets the transaction-local `hamlet.tenant_id` read by RLS policies.
 */
export function openPostgresDatabase(connectionString: string, options: PostgresOptions = {}): Database {
  const pool = new pg.Pool({
    Client: GuardedClient,
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  });
  const onConnectionError = options.onConnectionError ?? (() => undefined);
  // Without these listeners a connection that dies emits an unhandled 'error' and kills the process.
  pool.on("error", (error) => onConnectionError(error));
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
    // While checked out the pool's own listener is detached: a backend terminated mid-transaction
    // would otherwise be an unhandled 'error' event. The pending query rejects on its own.
    const onError = (error: Error): void => {
      broken = true;
      onConnectionError(error);
    };
    client.on("error", onError);
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
      client.removeListener("error", onError);
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
