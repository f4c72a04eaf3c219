/** Typed background workers: a piscina pool on the parent side, `defineWorker` on the thread side. */
export {
  defineWorker,
  type DeclaredWorkerError,
  type WorkerBody,
  type WorkerContext,
  type WorkerHandler,
} from "./define.js";
export { createWorkerPool, type RunOptions, type WorkerPool, type WorkerPoolOptions } from "./pool.js";
export type {
  NoWorkerEvents,
  WireEvent,
  WorkerCodec,
  WorkerEmitOptions,
  WorkerEvents,
  WorkerEventSink,
  WorkerMessageCodec,
  WorkerDecoder,
  WorkerEncoder,
  WorkerFailure,
  WorkerIssue,
  WorkerMessageKind,
  WorkerResult,
} from "./types.js";
