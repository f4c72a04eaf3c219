/**
 * Marks code that runs beside a lazily opened transaction (an event delivery's handler, see
 * `events/lazy-transaction.ts`). Once that transaction is open, SQLite's single connection is
 * held by it, so a statement on the root handle would wait for itself: the SQLite handle refuses
 * it with an error instead, as it does inside `transaction()`/`withTenant()`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Database } from "./database.js";

export interface LazyTransactionOwner {
  /** The root handle the transaction was opened on. */
  readonly root: Database;
  /** True while the transaction is open (between its first statement and its end). */
  isOpen(): boolean;
}

export const lazyTransactionScope = new AsyncLocalStorage<LazyTransactionOwner>();
