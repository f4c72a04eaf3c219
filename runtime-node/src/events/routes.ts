/**
 * How each stored event name is delivered: the app's event handlers, workflow steps and service
 * calls all become a {@link Route}, so one dispatcher (durable or in memory) runs them all.
 */
import type { AfterCommitCallback } from "../after-commit.js";
import type { Database } from "../db/database.js";
import { PermanentEventError } from "./errors.js";
import {
  DEFAULT_RETRY,
  type EventContext,
  type EventHandler,
  type EventRegistry,
  type PayloadValidator,
  type RetryPolicy,
} from "./types.js";

/** The context a route receives: the public one plus the event's idempotency key (waits of workflow steps). */
export interface RouteContext extends EventContext {
  readonly idempotencyKey: string | null;
}

/** What a failed delivery tells a route that keeps its own bookkeeping (workflow steps). */
export interface RouteFailure {
  readonly tenantId: string;
  readonly eventId: string;
  readonly attempt: number;
  readonly message: string;
  readonly dead: boolean;
  /** Dead because retrying cannot help (a permanent error), not because the attempts ran out. */
  readonly permanent: boolean;
  readonly idempotencyKey: string | null;
  readonly at: number;
  afterCommit(fn: AfterCommitCallback): void;
}

export interface Route {
  readonly name: string;
  readonly retry: RetryPolicy;
  /** Retry policy depending on the payload (workflow steps use their workflow's); default `retry`. */
  readonly retryFor?: (payload: unknown) => RetryPolicy;
  readonly validate: PayloadValidator<unknown>;
  /** Slow outside work (HTTP) done before the handler's transaction opens; its result goes to `handle`. */
  readonly prepare?: (payload: unknown, context: RouteContext) => Promise<unknown>;
  readonly handle: (payload: unknown, context: RouteContext, prepared: unknown) => Promise<void>;
  /** Extra writes in the transaction that records a failed attempt. */
  readonly onFailure?: (tx: Database | null, payload: unknown, failure: RouteFailure) => Promise<void>;
}

/** Starts the runs a trigger event causes, inside the trigger's transaction. */
export type TriggerHook = (payload: unknown, context: RouteContext) => Promise<void>;

/** Routes of the registry's declared events: the app's handler, then any workflow it triggers. */
export function eventRoutes(registry: EventRegistry, triggers: ReadonlyMap<string, readonly TriggerHook[]>): Route[] {
  const handlers = registry.handlers as Readonly<Record<string, EventHandler<unknown> | undefined>>;
  return registry.events.map((definition) => {
    const handler = handlers[definition.name];
    const hooks = triggers.get(definition.name) ?? [];
    return {
      name: definition.name,
      retry: definition.retry ?? DEFAULT_RETRY,
      validate: definition.validate,
      async handle(payload, context) {
        if (handler === undefined && hooks.length === 0) {
          throw new PermanentEventError(`no handler is registered for event ${definition.name}`);
        }
        if (handler !== undefined) await handler(payload, context);
        for (const hook of hooks) await hook(payload, context);
      },
    };
  });
}

/** Accepts any JSON value (internal events whose payload the runtime wrote itself). */
export const anyPayload: PayloadValidator<unknown> = (value) => ({ ok: true, value });
