import { AsyncLocalStorage } from "node:async_hooks";
import BetterSqlite3 from "better-sqlite3";
import { createTransactionHandle } from "./transaction-handle.js";
import { assertTenantId, type Database, type ExecuteResult, type SqlParam } from "./database.js";
import { lazyTransactionScope } from "./lazy-scope.js";
import { createMutex } from "./mutex.js";
import { toPositional } from "./placeholders.js";

/** Options for {@link openSqliteDatabase}. */
export interface SqliteOptions {
  /** How long a writer waits for a lock held by another connection (default 5000 ms). */
  readonly busyTimeoutMs?: number;
}

type Connection = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement<unknown[], unknown>;

const STATEMENT_CACHE_SIZE = 256;

/**
 * Opens a SQLite database (a file path or `:memory:`) with WAL journaling, a busy
 * timeout and foreign keys on. better-sqlite3 is synchronous and the connection is
 * single, so transactions are serialized: while one is open, statements on the
 * root handle wait for it. Inside `transaction`/`withTenant`, use the handle
 * passed to the callback — using the root handle there throws instead of deadlocking.
 */
export function openSqliteDatabase(filename: string, options: SqliteOptions = {}): Database {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const conn: Connection = new BetterSqlite3(filename, {
    timeout: busyTimeoutMs,
  });
  conn.pragma("journal_mode = WAL");
  conn.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  conn.pragma("foreign_keys = ON");

  const mutex = createMutex();
  const context = new AsyncLocalStorage<object>();
  const owner = {};
  const cache = new Map<string, Statement>();
  let savepoints = 0;

  function prepare(sql: string): Statement {
    let stmt = cache.get(sql);
    if (stmt === undefined) {
      stmt = conn.prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(sql, stmt);
    }
    return stmt;
  }

  function runQuery<T>(sql: string, params: readonly SqlParam[]): T[] {
    const positional = toPositional(sql, params);
    const stmt = prepare(positional.sql);
    const bound = positional.params.map(toSqliteValue);
    if (!stmt.reader) {
      stmt.run(...bound);
      return [];
    }
    return stmt.all(...bound) as T[];
  }

  function runExecute(sql: string, params: readonly SqlParam[]): ExecuteResult {
    const positional = toPositional(sql, params);
    const stmt = prepare(positional.sql);
    const bound = positional.params.map(toSqliteValue);
    if (stmt.reader) return { rowCount: stmt.all(...bound).length };
    return { rowCount: stmt.run(...bound).changes };
  }

  function guardRoot(): void {
    const lazy = lazyTransactionScope.getStore();
    if (context.getStore() === owner || (lazy?.root === root && lazy.isOpen())) {
      throw new Error(
        "Hamlet: inside transaction()/withTenant() use the handle passed to the callback, not the root SQLite handle",
      );
    }
  }

  /** A handle bound to the currently open transaction (or savepoint). */
  function transactionHandle(tenantId: string | null): {
    handle: Database;
    end(): void;
  } {
    const nested = async <T>(nestedTenant: string | null, fn: (tx: Database) => Promise<T>): Promise<T> => {
      const name = `hamlet_sp_${++savepoints}`;
      conn.exec(`SAVEPOINT ${name}`);
      const inner = transactionHandle(nestedTenant);
      try {
        const result = await fn(inner.handle);
        conn.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        conn.exec(`ROLLBACK TO ${name}`);
        conn.exec(`RELEASE ${name}`);
        throw error;
      } finally {
        inner.end();
      }
    };
    return createTransactionHandle({
      dialect: "sqlite",
      tenantId,
      query: (sql, params) => runQuery(sql, params),
      execute: (sql, params) => runExecute(sql, params),
      nested,
    });
  }

  async function begin<T>(tenantId: string | null, fn: (tx: Database) => Promise<T>): Promise<T> {
    guardRoot();
    return mutex.run(() =>
      context.run(owner, async () => {
        conn.exec("BEGIN IMMEDIATE");
        const tx = transactionHandle(tenantId);
        try {
          const result = await fn(tx.handle);
          conn.exec("COMMIT");
          return result;
        } catch (error) {
          if (conn.inTransaction) conn.exec("ROLLBACK");
          throw error;
        } finally {
          tx.end();
        }
      }),
    );
  }

  const root: Database = {
    dialect: "sqlite",
    tenantId: null,
    async query<T extends object>(sql: string, params: readonly SqlParam[] = []) {
      guardRoot();
      return mutex.run(() => runQuery<T>(sql, params));
    },
    async execute(sql: string, params: readonly SqlParam[] = []) {
      guardRoot();
      return mutex.run(() => runExecute(sql, params));
    },
    transaction: (fn) => begin(null, fn),
    withTenant: async (tenantId, fn) => {
      assertTenantId(tenantId);
      return begin(tenantId, fn);
    },
    async close() {
      guardRoot();
      await mutex.run(() => {
        cache.clear();
        if (conn.open) conn.close();
      });
    },
  };
  return root;
}

function toSqliteValue(value: SqlParam): string | number | bigint | Buffer | null {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value as string | number | bigint | Buffer | null;
}
