/** The Hamlet event system: durable on the event store, or in memory without it. */
export * from "./types.js";
export { createEventSystem } from "./durable.js";
export { createMemoryEventSystem } from "./memory.js";
export { retryDelayMs } from "./backoff.js";
export { PermanentEventError, SupersededError } from "./errors.js";
export { periodStart } from "./scheduler.js";
export { serviceEventName } from "./services.js";
export { WORKFLOW_STEP_EVENT } from "./workflows.js";
