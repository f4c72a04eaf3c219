/** The durable event system: events, workflows, schedules and service calls on the event store. */
import type { Database } from "../db/database.js";
import { createEventAdmin } from "./admin.js";
import { createDispatcher } from "./dispatcher.js";
import { invalidPayloadError } from "./errors.js";
import { eventRoutes, type Route } from "./routes.js";
import { createPruner } from "./retention.js";
import { createRunUpdates } from "./run-updates.js";
import { createScheduler } from "./scheduler.js";
import { serviceEventName, serviceRoutes } from "./services.js";
import { dueTime, insertEvent } from "./store.js";
import type { DurableEventOptions, EventSystem } from "./types.js";
import { serviceCallHooks } from "./wait-hooks.js";
import { waitHooks, workflowStepRoute, workflowTriggers, type WorkflowDeps } from "./workflows.js";

/**
 * Builds the event system on the event-store tables (create them with the migrations, or
 * `eventStoreStatements` from `emitters/sql/event-store.ts`). Call `start()` to begin delivering.
 */
export function createEventSystem(options: DurableEventOptions): EventSystem {
  const { db, registry } = options;
  const clock = options.clock ?? Date.now;
  const onError = options.onError ?? ((error: unknown) => console.error("Hamlet events:", error));
  const updates = createRunUpdates(onError);
  const workflows = registry.workflows ?? [];
  const services = registry.services ?? [];
  const workflowDeps: WorkflowDeps = {
    db,
    clock,
    insert: (tx, scope, event) => insertEvent(tx, scope, event, clock()),
    publish: updates.publish,
    services: new Map(services.map((service) => [service.name, service])),
  };
  const triggers = workflowTriggers(workflows, workflowDeps);
  const routes = new Map<string, Route>();
  const add = (route: Route): void => void routes.set(route.name, route);
  eventRoutes(registry, triggers).forEach(add);
  if (workflows.length > 0) {
    add(workflowStepRoute(workflows, workflowDeps));
  }
  serviceRoutes(services, () => options.fetch ?? fetch, serviceCallHooks(waitHooks(workflowDeps))).forEach(add);

  const dispatcher = createDispatcher({
    db,
    routes,
    listenUrl: options.listenUrl,
    workerId: options.workerId,
    leaseMs: options.leaseMs,
    heartbeatMs: options.heartbeatMs,
    pollMs: options.pollMs,
    concurrency: options.concurrency,
    batchSize: options.batchSize,
    clock,
    onError,
  });
  const scheduler = createScheduler({
    db,
    events: registry.events,
    tenants: options.scheduleTenants ?? ["default"],
    clock,
    pollMs: options.pollMs ?? 1000,
    onError,
    wake: (dueAt) => dispatcher.wake(dueAt),
  });
  const pruner = createPruner({ db, retention: options.retention, clock, onError });
  let started = false;

  const requireTx = (tx: Database | null): Database => {
    if (tx === null) throw new Error("Hamlet: durable emit needs the caller's transaction handle");
    return tx;
  };

  const system: EventSystem = {
    durable: true,
    async emit(tx, scope, event) {
      const emitted = await insertEvent(requireTx(tx), scope, event, clock());
      // PostgreSQL wakes dispatchers by NOTIFY at commit; SQLite has one process: wake it directly
      // (its claim waits for the transaction's lock, so it sees the committed event).
      if (db.dialect === "sqlite" && emitted.created) dispatcher.wake(dueTime(event, clock()));
      return emitted;
    },
    async transaction(target, scope, fn) {
      const root = requireTx(target);
      const dues: number[] = [];
      const result = await root.withTenant(scope.tenantId, (tx) =>
        fn(tx, async (event) => {
          const emitted = await insertEvent(tx, scope, event, clock());
          if (emitted.created) dues.push(dueTime(event, clock()));
          return emitted;
        }),
      );
      if (db.dialect === "sqlite") for (const due of dues) dispatcher.wake(due);
      return result;
    },
    async callService(tx, scope, name, request) {
      const service = services.find((candidate) => candidate.name === name);
      if (service === undefined) throw new Error(`Hamlet: service ${name} is not registered`);
      const checked = service.validateRequest(request);
      if (!checked.ok) throw invalidPayloadError(`the request to ${name}`, checked.errors);
      return system.emit(tx, scope, { name: serviceEventName(name), payload: checked.value });
    },
    async start() {
      if (started) return;
      started = true;
      dispatcher.start();
      pruner.start();
      await scheduler.start();
    },
    async stop(stopOptions = {}) {
      scheduler.stop();
      await Promise.all([pruner.stop(), dispatcher.stop(stopOptions.timeoutMs ?? 10_000)]);
    },
    prune: () => pruner.pruneNow(),
    async drain(drainOptions = {}) {
      const deadline = Date.now() + (drainOptions.timeoutMs ?? 30_000);
      while (!(await dispatcher.idle())) {
        if (Date.now() > deadline) throw new Error("Hamlet: events did not drain in time");
        dispatcher.wake();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    onRunUpdate: (listener) => updates.subscribe(listener),
    admin: createEventAdmin(db, clock, () => dispatcher.wake()),
  };
  return system;
}
