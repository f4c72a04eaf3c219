/**
 * Public API of the Hamlet event system: what generated code and apps call.
 *
 * One {@link EventSystem} per process, built by `createEventSystem` (durable, on the event-store
 * tables of `emitters/sql/event-store.ts`) or `createMemoryEventSystem` (no event store: timers,
 * lost on restart). Both take the same {@link EventRegistry}, so the same handler code runs in
 * both modes. Generated code supplies the registry (names, validators, retry and schedule
 * settings from the schema); the app supplies the handler functions.
 */
import type { Database } from "../db/database.js";
import type { AfterCommitCallback } from "../after-commit.js";
import type { JsonValue } from "../json.js";
import type { EventRetention, PruneResult } from "./retention.js";

export type { EventRetention, PruneResult } from "./retention.js";

/** One problem with a payload, path-precise (`$.post_id`), as the generated decoders report it. */
export interface PayloadIssue {
  readonly path: string;
  readonly message: string;
}

/** A generated decoder: checks an unknown JSON value and returns the typed value or the issues. */
export type PayloadValidator<P> = (
  value: unknown,
) => { readonly ok: true; readonly value: P } | { readonly ok: false; readonly errors: readonly PayloadIssue[] };

/** `@retry(attempts, backoff)`: `attempts` counts every delivery, the first included. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly backoff:
    | { readonly kind: "exponential"; readonly initialMs: number; readonly maxMs: number }
    | { readonly kind: "fixed"; readonly delayMs: number };
}

/** Used when an event has no `@retry`: 3 attempts, exponential from 1 s to 1 min. */
export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 3,
  backoff: { kind: "exponential", initialMs: 1000, maxMs: 60_000 },
};

/** Who caused an event: stamped on every stored event. */
export interface EventScope {
  readonly tenantId: string;
  /** Session of the request that caused it (null for schedules and background work). */
  readonly sessionId?: string | null;
  /** Shared by everything one request or run caused; a new id when absent. */
  readonly correlationId?: string | null;
  /** Id of the event whose handler emitted this one. */
  readonly causationId?: string | null;
}

/** An event to emit. */
export interface OutgoingEvent<N extends string = string, P = JsonValue> {
  readonly name: N;
  readonly payload: P;
  /** Deliver no earlier than `delayMs` from now. */
  readonly delayMs?: number;
  /** Deliver no earlier than this time (epoch ms or Date); wins over `delayMs`. */
  readonly dueAt?: number | Date;
  /** Emitting twice with the same key (per tenant and event name) stores the event once. */
  readonly idempotencyKey?: string;
}

/** The stored identity of an emitted event. */
export interface EmittedEvent {
  readonly id: string;
  readonly correlationId: string;
  /** False when the idempotency key matched an event already stored (nothing new was stored). */
  readonly created: boolean;
}

/**
 * Emits an event bound to a transaction and scope. Durable mode: inserted in that transaction
 * (outbox; a rollback stores nothing). Memory mode: held until the surrounding
 * {@link EventSystem.transaction} or handler succeeds, then delivered.
 */
export type Emit = <N extends string, P>(event: OutgoingEvent<N, P>) => Promise<EmittedEvent>;

/** What an event handler receives besides its payload. */
export interface EventContext {
  readonly tenantId: string;
  readonly eventId: string;
  readonly name: string;
  /** 1 on the first delivery. */
  readonly attempt: number;
  readonly sessionId: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  /**
   * Durable mode: the transaction (tenant-scoped) in which the event's completion commits;
   * write through it for exactly-once effects. Memory mode: a tenant transaction on the app's
   * database when one was given, else null.
   */
  readonly tx: Database | null;
  /** Emits follow-up events caused by this one (same correlation id, causation = this event). */
  readonly emit: Emit;
  /**
   * Runs `fn` once this delivery's transaction committed (memory mode: once the handler
   * succeeded), never when it rolls back or the handler throws; errors are logged, not thrown.
   * For effects outside the database that must not precede the commit (live pushes, mail).
   */
  afterCommit(fn: AfterCommitCallback): void;
}

/** Handles one event. Throwing means "retry later" (or dead-letter after the last attempt). */
export type EventHandler<P> = (payload: P, context: EventContext) => Promise<void>;

/** One declared `event`. */
export interface EventDefinition<P = unknown> {
  readonly name: string;
  readonly validate: PayloadValidator<P>;
  readonly retry?: RetryPolicy;
  /** `@schedule(every)`: the payload built for the period starting at `periodStart` (epoch ms). */
  readonly schedule?: { readonly everyMs: number; readonly payload: (periodStart: number) => P };
}

/**
 * How a service call that a workflow step waited for ended. `refused`: the service answered with a
 * permanent refusal (a 4xx other than 408/429, or an answer that does not decode); `exhausted`:
 * every attempt of its `@retry` failed (408, 429, 5xx, network errors). Both leave the call as a
 * dead letter, which an admin may retry: an answer then resumes the run again.
 */
export type ServiceOutcome<R> =
  | { readonly ok: true; readonly answer: R }
  | {
      readonly ok: false;
      readonly reason: "refused" | "exhausted";
      /** The last attempt's error. */
      readonly error: string;
      /** Attempts made. */
      readonly attempts: number;
      /** Id of the dead-lettered call (for the admin API). */
      readonly callId: string;
    };

/**
 * Calls a declared service from a workflow step and waits for its outcome, durably. The first time
 * a step reaches a call, the call is stored as a service job (sent after the step's transaction
 * commits, retried with the service's `@retry`) and the step stops: it shows as `waiting`, nothing
 * after the call runs, and the step's writes so far commit. When the call ends, the step runs again
 * from its start in a new transaction, and this call (the same call, counted in call order) then
 * resolves with the recorded outcome. Code before the call therefore runs twice: keep it to reads.
 */
export type AwaitService = <R = unknown>(service: string, request: unknown) => Promise<ServiceOutcome<R>>;

/** What a workflow step receives: the trigger payload and the outputs of the earlier steps. */
export interface StepInput<T, O extends Record<string, unknown> = Record<string, unknown>> {
  readonly trigger: T;
  readonly outputs: Partial<O>;
  readonly runId: string;
  readonly context: EventContext;
  /** Waits for a service call's outcome (see {@link AwaitService}). */
  readonly awaitService: AwaitService;
  /**
   * Reports how far the step got (any JSON-encodable value, e.g. a worker's progress): published
   * at once as a run update with `stepStatus: "running"`, outside the step's transaction (it is
   * sent even if the step later fails or rolls back). Not stored.
   */
  progress(value: unknown): void;
}

/** One `step name [-> Type]`; `run` returns the step's output (undefined for no output). */
export interface WorkflowStepDefinition {
  readonly name: string;
  run(input: StepInput<unknown>): Promise<unknown>;
  /** Validator of the stored output, checked before it is stored (optional). */
  readonly validateOutput?: PayloadValidator<unknown>;
}

/** One declared `workflow`: its trigger event starts a run; steps run in order. */
export interface WorkflowDefinition {
  readonly name: string;
  readonly trigger: string;
  readonly steps: readonly WorkflowStepDefinition[];
  /** Retries of each step (default {@link DEFAULT_RETRY}); a step that exhausts them fails the run. */
  readonly retry?: RetryPolicy;
}

/** One declared `service`: an outside HTTP endpoint called as a durable job. */
export interface ServiceDefinition<Req = unknown, Res = unknown> {
  readonly name: string;
  readonly method: string;
  /** Absolute URL; `{field}` segments are filled from the request (and removed from the body). */
  readonly url: string;
  readonly retry?: RetryPolicy;
  readonly validateRequest: PayloadValidator<Req>;
  /** Decodes a 2xx response body; a failing decode is a non-retryable error. */
  readonly validateResponse?: PayloadValidator<Res>;
  /** Called with the decoded response, in the job's transaction (durable mode). */
  onResponse?(response: Res, context: EventContext): Promise<void>;
  /** Per-attempt timeout (default 10 s). */
  readonly timeoutMs?: number;
}

/** Everything the event system runs: generated definitions plus the app's handlers. */
export interface EventRegistry {
  readonly events: readonly EventDefinition<unknown>[];
  /** Handlers by event name; an event with a workflow trigger may have no handler. */
  readonly handlers: Readonly<Record<string, EventHandler<never>>>;
  readonly workflows?: readonly WorkflowDefinition[];
  readonly services?: readonly ServiceDefinition<unknown, unknown>[];
}

/** Status of a stored event. */
export type EventStatus = "pending" | "running" | "done" | "dead";

/** One failed attempt. */
export interface AttemptError {
  readonly attempt: number;
  readonly at: number;
  readonly message: string;
}

/** A stored event as the admin API returns it. */
export interface StoredEvent {
  readonly tenantId: string;
  readonly id: string;
  readonly name: string;
  readonly payload: JsonValue;
  readonly status: EventStatus;
  readonly attempts: number;
  readonly dueAt: number;
  readonly createdAt: number;
  readonly completedAt: number | null;
  readonly sessionId: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly idempotencyKey: string | null;
  readonly lastError: string | null;
  readonly errors: readonly AttemptError[];
}

/** Status of a workflow run. */
export type RunStatus = "running" | "completed" | "failed";

/** One step of a run, as stored. */
export interface RunStep {
  readonly index: number;
  readonly name: string;
  /** `waiting`: the step waits for a service call it made through `awaitService`. */
  readonly status: "pending" | "waiting" | "done" | "failed";
  readonly output: JsonValue | null;
  readonly attempts: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly errors: readonly AttemptError[];
}

/** Status and history of a run. */
export interface RunHistory {
  readonly tenantId: string;
  readonly id: string;
  readonly workflow: string;
  readonly status: RunStatus;
  readonly correlationId: string;
  readonly trigger: JsonValue;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly error: string | null;
  readonly steps: readonly RunStep[];
  /** Every stored event with the run's correlation id, oldest first. */
  readonly events: readonly StoredEvent[];
}

/** A change to a run, pushed to {@link EventSystem.onRunUpdate} listeners after it committed. */
export interface RunUpdate {
  readonly tenantId: string;
  readonly runId: string;
  readonly workflow: string;
  readonly status: RunStatus;
  readonly step: string | null;
  /**
   * `waiting`: the step called a service through `awaitService` and waits for its outcome;
   * `running`: the step reported `progress` (then in {@link RunUpdate.progress}).
   */
  readonly stepStatus: "running" | "waiting" | "done" | "failed" | null;
  /** What the step reported with `progress` (`stepStatus: "running"` only). */
  readonly progress?: unknown;
  readonly correlationId: string;
  /** Session that emitted the trigger, so SSE can push to it. */
  readonly sessionId: string | null;
}

/** Admin API over the store (durable mode); every call is scoped to one tenant. */
export interface EventAdmin {
  /** Dead letters of the tenant, newest first. */
  listDeadLetters(
    tenantId: string,
    options?: { readonly limit?: number; readonly name?: string },
  ): Promise<StoredEvent[]>;
  /** Puts a dead letter back as pending, due now, attempts reset; false when not dead. */
  retryDeadLetter(tenantId: string, eventId: string): Promise<boolean>;
  /** Deletes a dead letter; false when not dead. */
  discardDeadLetter(tenantId: string, eventId: string): Promise<boolean>;
  getEvent(tenantId: string, eventId: string): Promise<StoredEvent | null>;
  /** Status and history of a run, or null. */
  getRun(tenantId: string, runId: string): Promise<RunHistory | null>;
  /** Runs of the tenant, newest first. */
  listRuns(
    tenantId: string,
    options?: { readonly workflow?: string; readonly status?: RunStatus; readonly limit?: number },
  ): Promise<Omit<RunHistory, "steps" | "events">[]>;
}

/** The event system of one process. */
export interface EventSystem {
  /** True on the event store, false for the in-memory mode. */
  readonly durable: boolean;
  /**
   * Emits inside `tx` (the caller's transaction; it must be scoped to `scope.tenantId` on
   * PostgreSQL). Durable mode requires `tx`; memory mode ignores it and delivers at once (use
   * {@link EventSystem.transaction} there to drop events of a failed transaction).
   */
  emit<N extends string, P>(tx: Database | null, scope: EventScope, event: OutgoingEvent<N, P>): Promise<EmittedEvent>;
  /**
   * Runs `fn` in a tenant transaction on `db` (none when `db` is null, memory mode only) with an
   * {@link Emit} bound to it: events are stored/delivered only when `fn` resolves.
   */
  transaction<T>(
    db: Database | null,
    scope: EventScope,
    fn: (tx: Database | null, emit: Emit) => Promise<T>,
  ): Promise<T>;
  /** Calls a declared service: durable job (durable mode) or fire-and-forget with in-memory retries. */
  callService<Req>(tx: Database | null, scope: EventScope, service: string, request: Req): Promise<EmittedEvent>;
  /** Starts delivering (dispatcher, schedules). Idempotent. */
  start(): Promise<void>;
  /** Stops claiming, waits for running handlers (up to `timeoutMs`, default 10 s), releases connections. */
  stop(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Resolves when no event is due now or running (tests, graceful shutdown); rejects after `timeoutMs`. */
  drain(options?: { readonly timeoutMs?: number }): Promise<void>;
  /**
   * Deletes completed events and finished workflow runs older than the retention now, across
   * tenants, in batches (durable mode; dead letters stay). The dispatcher already does this once
   * per `retention.everyMs` in one of the processes; this is for a manual clean-up. Memory mode
   * keeps no finished events: nothing to delete.
   */
  prune(): Promise<PruneResult>;
  /** Subscribes to run updates of this process; returns the unsubscribe function. */
  onRunUpdate(listener: (update: RunUpdate) => void): () => void;
  /** Dead letters and run status (durable mode; memory mode keeps them in memory). */
  readonly admin: EventAdmin;
}

/** Options of `createEventSystem` (durable mode). */
export interface DurableEventOptions {
  readonly db: Database;
  readonly registry: EventRegistry;
  /**
   * PostgreSQL connection string for the LISTEN connection (wake-ups). Without it the dispatcher
   * only polls (every `pollMs`).
   */
  readonly listenUrl?: string;
  /** Tenants whose `@schedule` events fire (default `["default"]`). */
  readonly scheduleTenants?: readonly string[];
  /** Name of this process in `locked_by` (default host:pid:random). */
  readonly workerId?: string;
  /** How long a claim holds before another process may take it (default 20 s; taken over within 1.25 × this). */
  readonly leaseMs?: number;
  /** How often a running claim's lease is renewed (default leaseMs / 3). */
  readonly heartbeatMs?: number;
  /** Fallback poll interval (default 1 s). */
  readonly pollMs?: number;
  /** Events handled at once by this process (default 8). */
  readonly concurrency?: number;
  /** Events claimed per query (default = concurrency). */
  readonly batchSize?: number;
  /** Clock (tests); default Date.now. */
  readonly clock?: () => number;
  /** Reports errors the dispatcher recovered from (lost connection...). Default: console.error. */
  readonly onError?: (error: unknown) => void;
  /** Replaces the global `fetch` for services (tests). */
  readonly fetch?: typeof fetch;
  /**
   * How long completed events and finished runs are kept, and how often they are pruned
   * (default: 7 days, hourly, 500 rows per batch). `false` keeps them forever.
   */
  readonly retention?: EventRetention | false;
}

/** Options of `createMemoryEventSystem` (no event store). */
export interface MemoryEventOptions {
  readonly registry: EventRegistry;
  /** The app's database, if any: handlers then get a tenant transaction on it as `tx`. */
  readonly db?: Database | null;
  readonly concurrency?: number;
  readonly clock?: () => number;
  readonly onError?: (error: unknown) => void;
  readonly fetch?: typeof fetch;
}
