/**
 * A tenant transaction that opens on its first statement. A handler that never touches `tx`
 * (it mails, logs, calls out) then costs no BEGIN/COMMIT: its event is completed by one
 * autocommit statement instead. A handler that does use `tx` gets an ordinary transaction in
 * which its writes and the event's completion commit together, exactly as before. Work the
 * handler does before its first statement (a worker-pool call, an HTTP call) holds no lock: on
 * SQLite, whose one connection a transaction holds whole, other writers go on meanwhile.
 */
import type { Database, SqlParam } from "../db/database.js";
import { lazyTransactionScope } from "../db/lazy-scope.js";

export interface LazyTransaction {
  /** The handle to give the handler; its first use opens the transaction. */
  readonly handle: Database;
  /** Runs the handler; once the transaction is open, SQLite refuses the root handle inside it (it would wait for itself). */
  run<T>(handler: () => Promise<T>): Promise<T>;
  /**
   * Ends the handler's part once `handled` settles. Rejected: the transaction (if opened) rolls back and this
   * rejects with the same error. Resolved: `commit(tx)` runs last in the transaction, or, when
   * none was opened, `complete()` runs on its own; this resolves once committed.
   */
  finish(handled: Promise<void>, commit: (tx: Database) => Promise<void>, complete: () => Promise<void>): Promise<void>;
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

export function lazyTenantTransaction(db: Database, tenantId: string): LazyTransaction {
  let opened: Promise<Database> | null = null;
  let committed: Promise<void> | null = null;
  let ended = false;
  let release: (outcome: Outcome, commit: (tx: Database) => Promise<void>) => void = () => undefined;
  const released = new Promise<{ outcome: Outcome; commit: (tx: Database) => Promise<void> }>((resolve) => {
    release = (outcome, commit) => resolve({ outcome, commit });
  });

  const open = (): Promise<Database> => {
    if (ended) return Promise.reject(new Error("Hamlet: transaction handle used after its transaction ended"));
    opened ??= new Promise<Database>((resolveTx, rejectTx) => {
      committed = db.withTenant(tenantId, async (tx) => {
        resolveTx(tx);
        const { outcome, commit } = await released;
        if (!outcome.ok) throw outcome.error;
        await commit(tx);
      });
      // BEGIN failed: the statement that asked for the transaction fails with its error.
      committed.catch(rejectTx);
    });
    return opened;
  };

  const handle: Database = {
    dialect: db.dialect,
    tenantId,
    async query<T extends object>(sql: string, params?: readonly SqlParam[]) {
      return (await open()).query<T>(sql, params);
    },
    async execute(sql: string, params?: readonly SqlParam[]) {
      return (await open()).execute(sql, params);
    },
    async transaction(fn) {
      return (await open()).transaction(fn);
    },
    async withTenant(id, fn) {
      return (await open()).withTenant(id, fn);
    },
    close: async () => {
      throw new Error("Hamlet: close() the root database handle, not a transaction handle");
    },
  };

  return {
    handle,
    run: (handler) => lazyTransactionScope.run({ root: db, isOpen: () => opened !== null && !ended }, handler),
    async finish(handled, commit, complete) {
      const outcome = await handled.then(
        (): Outcome => ({ ok: true }),
        (error: unknown): Outcome => ({ ok: false, error }),
      );
      ended = true;
      if (opened === null) {
        if (!outcome.ok) throw outcome.error;
        await complete();
        return;
      }
      release(outcome, commit);
      await committed;
    },
  };
}
