/**
 * The event system without the event store (`event_store = false`): the same registry and
 * handlers, delivered from memory. Delayed events and retries wait on timers and are lost on
 * restart; dead letters are kept in memory; there are no workflows or schedules (the compiler
 * rejects them without the store: HAM0501, HAM0502). Service calls are fire-and-forget with
 * in-memory retries.
 */
import { randomUUID } from "node:crypto";
import { runAfterCommit, type AfterCommitCallback } from "../after-commit.js";
import type { Database } from "../db/database.js";
import type { JsonValue } from "../json.js";
import { attemptsExhausted, retryDelayMs } from "./backoff.js";
import { describeError, invalidPayloadError, PermanentEventError, SupersededError } from "./errors.js";
import { eventRoutes, type Route, type RouteContext } from "./routes.js";
import { createRunUpdates } from "./run-updates.js";
import { serviceEventName, serviceRoutes } from "./services.js";
import { dueTime } from "./store.js";
import type {
  AttemptError,
  EmittedEvent,
  Emit,
  EventScope,
  EventStatus,
  EventSystem,
  MemoryEventOptions,
  OutgoingEvent,
  StoredEvent,
} from "./types.js";

interface Item {
  readonly tenantId: string;
  readonly id: string;
  readonly name: string;
  readonly payload: unknown;
  readonly sessionId: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly idempotencyKey: string | null;
  readonly createdAt: number;
  due: number;
  attempts: number;
  status: EventStatus;
  errors: AttemptError[];
  completedAt: number | null;
}

function toStored(item: Item): StoredEvent {
  return {
    tenantId: item.tenantId,
    id: item.id,
    name: item.name,
    payload: (item.payload ?? null) as JsonValue,
    status: item.status,
    attempts: item.attempts,
    dueAt: item.due,
    createdAt: item.createdAt,
    completedAt: item.completedAt,
    sessionId: item.sessionId,
    correlationId: item.correlationId,
    causationId: item.causationId,
    idempotencyKey: item.idempotencyKey,
    lastError: item.errors[item.errors.length - 1]?.message ?? null,
    errors: [...item.errors],
  };
}

/** Builds the in-memory event system. Call `start()` to begin delivering. */
export function createMemoryEventSystem(options: MemoryEventOptions): EventSystem {
  const { registry } = options;
  const db: Database | null = options.db ?? null;
  const clock = options.clock ?? Date.now;
  const onError = options.onError ?? ((error: unknown) => console.error("Hamlet events:", error));
  const concurrency = Math.max(1, options.concurrency ?? 8);
  if ((registry.workflows ?? []).length > 0) {
    throw new Error("Hamlet: workflows need the event store (HAM0501); use createEventSystem");
  }
  const services = registry.services ?? [];
  const routes = new Map<string, Route>();
  for (const route of [...eventRoutes(registry, new Map()), ...serviceRoutes(services, () => options.fetch ?? fetch)]) {
    routes.set(route.name, route);
  }
  const updates = createRunUpdates(onError);
  const items = new Map<string, Item>();
  const keys = new Map<string, string>();
  const ready: Item[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let running = 0;
  let started = false;
  let stopped = false;

  function later(item: Item): void {
    const delay = item.due - clock();
    if (delay <= 0) {
      ready.push(item);
      pump();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      ready.push(item);
      pump();
    }, delay);
    timers.add(timer);
  }

  function enqueue(scope: EventScope, event: OutgoingEvent<string, unknown>): EmittedEvent {
    const key =
      event.idempotencyKey === undefined ? null : `${scope.tenantId}\u0000${event.name}\u0000${event.idempotencyKey}`;
    const existing = key === null ? undefined : keys.get(key);
    const known = existing === undefined ? undefined : items.get(existing);
    if (known !== undefined) return { id: known.id, correlationId: known.correlationId, created: false };
    const now = clock();
    const item: Item = {
      tenantId: scope.tenantId,
      id: randomUUID(),
      name: event.name,
      payload: JSON.parse(JSON.stringify(event.payload ?? null)) as unknown,
      sessionId: scope.sessionId ?? null,
      correlationId: scope.correlationId ?? randomUUID(),
      causationId: scope.causationId ?? null,
      idempotencyKey: event.idempotencyKey ?? null,
      createdAt: now,
      due: dueTime(event, now),
      attempts: 0,
      status: "pending",
      errors: [],
      completedAt: null,
    };
    items.set(item.id, item);
    if (key !== null) keys.set(key, item.id);
    later(item);
    return { id: item.id, correlationId: item.correlationId, created: true };
  }

  /** An Emit that holds events until `flush` (after the surrounding work succeeded). */
  function buffered(scope: EventScope): { emit: Emit; flush(): void } {
    const held: OutgoingEvent<string, unknown>[] = [];
    return {
      emit: async (event) => {
        held.push(event);
        return { id: `pending:${held.length}`, correlationId: scope.correlationId ?? "", created: true };
      },
      flush: () => held.splice(0).forEach((event) => enqueue(scope, event)),
    };
  }

  function pump(): void {
    if (!started || stopped) return;
    while (running < concurrency && ready.length > 0) {
      const item = ready.shift()!;
      running += 1;
      void run(item).finally(() => {
        running -= 1;
        pump();
      });
    }
  }

  async function run(item: Item): Promise<void> {
    item.attempts += 1;
    item.status = "running";
    const route = routes.get(item.name);
    const scope = {
      tenantId: item.tenantId,
      sessionId: item.sessionId,
      correlationId: item.correlationId,
      causationId: item.id,
    };
    const outbox = buffered(scope);
    const after: AfterCommitCallback[] = [];
    const context = (tx: Database | null): RouteContext => ({
      tenantId: item.tenantId,
      eventId: item.id,
      name: item.name,
      attempt: item.attempts,
      sessionId: item.sessionId,
      correlationId: item.correlationId,
      causationId: item.causationId,
      idempotencyKey: item.idempotencyKey,
      tx,
      emit: outbox.emit,
      afterCommit: (fn) => void after.push(fn),
    });
    try {
      if (route === undefined) throw new PermanentEventError(`no handler is registered for event ${item.name}`);
      const checked = route.validate(item.payload);
      if (!checked.ok) throw invalidPayloadError(item.name, checked.errors);
      const prepared = route.prepare === undefined ? undefined : await route.prepare(checked.value, context(null));
      if (db === null) await route.handle(checked.value, context(null), prepared);
      else await db.withTenant(item.tenantId, (tx) => route.handle(checked.value, context(tx), prepared));
      complete(item);
      outbox.flush();
      runAfterCommit(after, onError);
    } catch (error) {
      // Settled elsewhere: its writes rolled back and its emits are dropped; nothing to retry.
      if (error instanceof SupersededError) return complete(item);
      const policy = route?.retryFor?.(item.payload) ?? route?.retry;
      const now = clock();
      item.errors.push({ attempt: item.attempts, at: now, message: describeError(error) });
      if (error instanceof PermanentEventError || policy === undefined || attemptsExhausted(policy, item.attempts)) {
        item.status = "dead";
        onError(new Error(`Hamlet: event ${item.name} ${item.id} dead-lettered: ${describeError(error)}`));
        return;
      }
      item.status = "pending";
      item.due = now + retryDelayMs(policy, item.attempts);
      if (!stopped) later(item);
    }
  }

  function complete(item: Item): void {
    item.status = "done";
    item.completedAt = clock();
    items.delete(item.id);
    // Nothing finished is kept, so its idempotency key is forgotten too (no unbounded map).
    if (item.idempotencyKey !== null) keys.delete(`${item.tenantId}\u0000${item.name}\u0000${item.idempotencyKey}`);
  }

  const tenantItems = (tenantId: string): Item[] => [...items.values()].filter((item) => item.tenantId === tenantId);

  const system: EventSystem = {
    durable: false,
    async emit(_tx, scope, event) {
      return enqueue(scope, event);
    },
    async transaction(target, scope, fn) {
      const outbox = buffered(scope);
      const result =
        target === null && db === null
          ? await fn(null, outbox.emit)
          : await (target ?? db)!.withTenant(scope.tenantId, (tx) => fn(tx, outbox.emit));
      outbox.flush();
      return result;
    },
    async callService(_tx, scope, name, request) {
      const service = services.find((candidate) => candidate.name === name);
      if (service === undefined) throw new Error(`Hamlet: service ${name} is not registered`);
      const checked = service.validateRequest(request);
      if (!checked.ok) throw invalidPayloadError(`the request to ${name}`, checked.errors);
      return enqueue(scope, { name: serviceEventName(name), payload: checked.value });
    },
    async start() {
      started = true;
      pump();
    },
    async stop(stopOptions = {}) {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const deadline = Date.now() + (stopOptions.timeoutMs ?? 10_000);
      while (running > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    },
    async drain(drainOptions = {}) {
      const deadline = Date.now() + (drainOptions.timeoutMs ?? 30_000);
      const busy = (): boolean =>
        running > 0 ||
        ready.length > 0 ||
        [...items.values()].some((item) => item.status === "pending" && item.due <= clock());
      while (busy()) {
        if (Date.now() > deadline) throw new Error("Hamlet: events did not drain in time");
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    prune: async () => ({ events: 0, runs: 0 }),
    onRunUpdate: (listener) => updates.subscribe(listener),
    admin: {
      async listDeadLetters(tenantId, listOptions = {}) {
        return tenantItems(tenantId)
          .filter(
            (item) => item.status === "dead" && (listOptions.name === undefined || item.name === listOptions.name),
          )
          .sort((a, b) => b.createdAt - a.createdAt)
          .slice(0, listOptions.limit ?? 100)
          .map(toStored);
      },
      async retryDeadLetter(tenantId, eventId) {
        const item = items.get(eventId);
        if (item === undefined || item.tenantId !== tenantId || item.status !== "dead") return false;
        item.status = "pending";
        item.attempts = 0;
        item.due = clock();
        later(item);
        return true;
      },
      async discardDeadLetter(tenantId, eventId) {
        const item = items.get(eventId);
        if (item === undefined || item.tenantId !== tenantId || item.status !== "dead") return false;
        items.delete(eventId);
        return true;
      },
      async getEvent(tenantId, eventId) {
        const item = items.get(eventId);
        return item === undefined || item.tenantId !== tenantId ? null : toStored(item);
      },
      getRun: async () => null,
      listRuns: async () => [],
    },
  };
  return system;
}
