/**
 * Handlers of endpoints that declare `@emits(...)`: they run in one tenant transaction with an
 * `emit` bound to it (outbox). The transaction commits only when the handler returns a response;
 * a thrown exception or a returned declared error (`fail(...)`) rolls it back, so nothing is
 * emitted and nothing the handler wrote through `tx` or `kv` stays. The request's session id and
 * correlation id are stamped on every event.
 */
import { AsyncResource } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { Database } from "../db/database.js";
import type { EmittedEvent, Emit, EventScope, EventSystem } from "../events/types.js";
import { kvFor, type KvStore } from "../kv/kv-store.js";
import type { HamletServer } from "../server.js";
import { Failure, type EndpointContext } from "./routes.js";

const systems = new WeakMap<HamletServer, EventSystem>();

/** Makes `system` the event system that `@emits` endpoints of `app` emit into (generated `registerEvents`). */
export function attachEventSystem(app: HamletServer, system: EventSystem): void {
  systems.set(app, system);
}

/** The event system attached to `app`, or undefined. */
export function eventSystemOf(app: HamletServer): EventSystem | undefined {
  return systems.get(app);
}

/** What an `@emits` handler gets besides the usual context. */
export interface EmittingContext extends EndpointContext, EmittingParts {}

/** The parts {@link withEmit} adds to a handler context. */
export interface EmittingParts {
  /** The request's transaction, scoped to its tenant (null in memory mode without a database). */
  readonly tx: Database | null;
  /** The tenant's KV store inside that transaction. */
  readonly kv: KvStore;
  /** Emits an event in that transaction (untyped; generated code wraps it with the payload types). */
  readonly emitEvent: Emit;
  /** Tenant, session and correlation stamped on what this request emits or calls. */
  readonly scope: EventScope;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;
const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" ? value.trim() : undefined;
}

/**
 * The correlation id of a request: the trace id of a valid W3C `traceparent`, else a well-formed
 * `X-Correlation-Id`, else a new UUID.
 */
export function correlationIdOf(request: FastifyRequest): string {
  const trace = TRACEPARENT.exec(header(request, "traceparent")?.toLowerCase() ?? "");
  if (trace !== null && !/^0+$/.test(trace[1]!)) return trace[1]!;
  const given = header(request, "x-correlation-id");
  if (given !== undefined && CORRELATION_ID.test(given)) return given;
  return randomUUID();
}

/** The event scope of a request: its tenant, session and correlation id. */
export function requestScope(context: EndpointContext): EventScope {
  return {
    tenantId: context.tenant,
    sessionId: context.session?.id ?? null,
    correlationId: correlationIdOf(context.request),
  };
}

/** The async context of module load: outside every transaction. */
const outside = new AsyncResource("hamlet.events.outside");

/**
 * Calls a service for generated code. In memory mode the call is queued at once, and its timers
 * would inherit the async context of the caller's SQLite transaction (whose root handle then
 * refuses the job's own transaction), so it is queued from outside any transaction.
 */
export function callService(
  system: EventSystem,
  tx: Database | null,
  scope: EventScope,
  service: string,
  request: unknown,
): Promise<EmittedEvent> {
  if (system.durable) return system.callService(tx, scope, service, request);
  return outside.runInAsyncScope(() => system.callService(tx, scope, service, request));
}

class RolledBack<F> extends Error {
  constructor(readonly failure: F) {
    super("declared error: rolled back");
  }
}

/**
 * Runs an `@emits` handler in an event transaction. Needs the app's event system (the generated
 * `registerEvents` attaches it); without one the request fails with a message saying so.
 */
export async function withEmit<C extends EndpointContext, R>(
  context: C,
  handle: (context: C & EmittingParts) => Promise<R>,
): Promise<R> {
  const system = eventSystemOf(context.app);
  if (system === undefined)
    throw new Error("Hamlet: this endpoint emits events; call registerEvents(app, ...) from events.ts first");
  const scope = requestScope(context);
  try {
    return await system.transaction(context.db, scope, async (tx, emitEvent) => {
      const kv = tx === null ? context.kv : kvFor(tx, context.tenant);
      const result = await handle({ ...context, tx, kv, emitEvent, scope });
      if (result instanceof Failure) throw new RolledBack(result);
      return result;
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.failure as R;
    throw error;
  }
}
