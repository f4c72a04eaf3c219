/**
 * Handlers of a `websocket` with `@emits(...)`: each call (connect, a message, disconnect) runs in
 * one tenant transaction of the event system with `emit` bound to it (outbox), as an `@emits`
 * endpoint's handler does. A handler that throws stores no event and nothing it wrote through
 * `tx` or `kv`; without the event store the events are delivered in memory after it returns.
 * Sends to sockets are not part of the transaction: they go out when called.
 */
import type { EventScope } from "../events/types.js";
import { eventSystemOf, type EmittingParts } from "../http/emitting.js";
import { kvFor } from "../kv/kv-store.js";
import type { ConnectionContext, TaggedMessage } from "./websocket.js";

/**
 * The scope of what a connection emits: its tenant and session, and its connection id as the
 * correlation id, so every event one connection caused can be found together.
 */
export function connectionScope<M extends TaggedMessage>(context: ConnectionContext<M>): EventScope {
  return { tenantId: context.tenant, sessionId: context.session?.id ?? null, correlationId: context.connectionId };
}

/**
 * Runs a websocket handler in an event transaction (generated `websocket.ts` calls this for a
 * websocket with `@emits`). Needs the app's event system, which the generated `registerEvents`
 * attaches; without it the handler call fails with a message saying so.
 */
export async function withConnectionEmit<M extends TaggedMessage, R>(
  context: ConnectionContext<M>,
  handle: (context: ConnectionContext<M> & EmittingParts) => R | Promise<R>,
): Promise<R> {
  const system = eventSystemOf(context.app);
  if (system === undefined)
    throw new Error("Hamlet: this websocket emits events; call registerEvents(app, ...) from events.ts first");
  const scope = connectionScope(context);
  return system.transaction(context.app.hamlet.db, scope, async (tx, emitEvent) => {
    const kv = tx === null ? context.app.hamlet.kv(context.tenant) : kvFor(tx, context.tenant);
    return handle({ ...context, tx, kv, emitEvent, scope });
  });
}
