/**
 * Delivers one claimed event: validate, outside work, then the handler and the event's completion
 * in one tenant transaction (exactly-once database effects; the transaction opens at the
 * handler's first statement, on both dialects). A failed attempt is recorded in a
 * second transaction: retried later with backoff, or dead-lettered with its error history.
 */
import { runAfterCommit as runAll, type AfterCommitCallback } from "../after-commit.js";
import type { Database } from "../db/database.js";
import { attemptsExhausted, retryDelayMs } from "./backoff.js";
import {
  AttemptsExhaustedError,
  describeError,
  invalidPayloadError,
  LostClaimError,
  PermanentEventError,
  SupersededError,
} from "./errors.js";
import type { Route, RouteContext } from "./routes.js";
import { parseErrors, toNumber, type EventRow } from "./rows.js";
import type { CompleteAlone } from "./completions.js";
import { lazyTenantTransaction } from "./lazy-transaction.js";
import { completeEvent, dueTime, insertEvent, LOST_CLAIM_SQLSTATE, notifyDispatchers, recordFailure } from "./store.js";
import { DEFAULT_RETRY, type Emit } from "./types.js";

export interface DeliveryDeps {
  readonly db: Database;
  readonly routes: ReadonlyMap<string, Route>;
  readonly clock: () => number;
  readonly onError: (error: unknown) => void;
  /** Called when the delivery stored follow-up work due at `dueAt` (in-process wake-up). */
  readonly wake: (dueAt: number) => void;
  /** Completes an event whose handler opened no transaction (PostgreSQL: batched with others). */
  readonly completeAlone: CompleteAlone;
}

/** Delivers `row`, claimed under `token`. Never throws. */
export async function deliver(deps: DeliveryDeps, row: EventRow, token: string): Promise<void> {
  const route = deps.routes.get(row.name);
  const attempt = toNumber(row.attempts);
  let payload: unknown = null;
  const base = {
    tenantId: row.tenant_id,
    eventId: row.id,
    name: row.name,
    attempt,
    sessionId: row.session_id,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    idempotencyKey: row.idempotency_key,
  };
  const scope = {
    tenantId: row.tenant_id,
    sessionId: row.session_id,
    correlationId: row.correlation_id,
    causationId: row.id,
  };
  const after: AfterCommitCallback[] = [];
  const context = (tx: Database | null): RouteContext => {
    const emit: Emit = async (event) => {
      if (tx === null) throw new Error("Hamlet: emit is only available inside the handler's transaction");
      const now = deps.clock();
      const emitted = await insertEvent(tx, scope, event, now);
      if (emitted.created) {
        const due = dueTime(event, now);
        after.push(() => deps.wake(due));
      }
      return emitted;
    };
    return { ...base, tx, emit, afterCommit: (fn) => void after.push(fn) };
  };
  try {
    payload = JSON.parse(row.payload) as unknown;
    if (route === undefined) throw new PermanentEventError(`no handler is registered for event ${row.name}`);
    const policy = route.retryFor?.(payload) ?? route.retry;
    if (attempt > Math.max(1, policy.attempts)) {
      throw new AttemptsExhaustedError(
        `attempts exhausted: the process of attempt ${attempt - 1} stopped without finishing`,
      );
    }
    const checked = route.validate(payload);
    if (!checked.ok) throw invalidPayloadError(row.name, checked.errors);
    const prepared = route.prepare === undefined ? undefined : await route.prepare(checked.value, context(null));
    // The transaction opens on the handler's first statement, so slow work the handler does before
    // (a worker-pool call) holds no lock. Without one the completion commits on its own (PostgreSQL:
    // batched with others, one statement for many events).
    const lazy = lazyTenantTransaction(deps.db, row.tenant_id);
    after.length = 0;
    await lazy.finish(
      lazy.run(() => route.handle(checked.value, context(lazy.handle), prepared)),
      (tx) => completeEvent(tx, row, token, deps.clock()),
      () => deps.completeAlone(row, token),
    );
    runAll(after, deps.onError);
  } catch (error) {
    if (error instanceof LostClaimError || (error as { code?: unknown } | null)?.code === LOST_CLAIM_SQLSTATE) return;
    if (error instanceof SupersededError) return completeSuperseded(deps, row, token);
    await recordAttemptFailure(deps, row, token, route, payload, error);
  }
}

/** Completes an event whose handler's writes rolled back because its work was settled elsewhere. */
async function completeSuperseded(deps: DeliveryDeps, row: EventRow, token: string): Promise<void> {
  try {
    await deps.completeAlone(row, token);
  } catch (failure) {
    // A lost claim: the process that holds it now finds nothing to do either.
    if (!(failure instanceof LostClaimError)) deps.onError(failure);
  }
}

async function recordAttemptFailure(
  deps: DeliveryDeps,
  row: EventRow,
  token: string,
  route: Route | undefined,
  payload: unknown,
  error: unknown,
): Promise<void> {
  const attempt = toNumber(row.attempts);
  const policy = (route?.retryFor?.(payload) ?? route?.retry) || DEFAULT_RETRY;
  const now = deps.clock();
  const permanent = error instanceof PermanentEventError && !(error instanceof AttemptsExhaustedError);
  const dead = error instanceof PermanentEventError || attemptsExhausted(policy, attempt);
  const message = describeError(error);
  const errors = [...parseErrors(row.errors), { attempt, at: now, message }];
  const dueAt = dead ? toNumber(row.due_at) : now + retryDelayMs(policy, attempt);
  const after: AfterCommitCallback[] = [];
  try {
    await deps.db.withTenant(row.tenant_id, async (tx) => {
      after.length = 0;
      if (!(await recordFailure(tx, row, token, { dead, dueAt, errors }))) return;
      if (route?.onFailure !== undefined) {
        await route.onFailure(tx, payload, {
          tenantId: row.tenant_id,
          eventId: row.id,
          attempt,
          message,
          dead,
          permanent,
          idempotencyKey: row.idempotency_key,
          at: now,
          afterCommit: (fn) => void after.push(fn),
        });
      }
      if (!dead) await notifyDispatchers(tx, dueAt);
    });
    if (!dead) deps.wake(dueAt);
    runAll(after, deps.onError);
  } catch (failure) {
    // The lease expires and another attempt follows; nothing is lost.
    deps.onError(failure);
  }
}
