/** Types shared by the two sides of a typed worker: the parent's pool and the thread's body. */
import type { Database } from "../db/database.js";
import type { EmittedEvent, Emit, EventScope, EventSystem } from "../events/types.js";

/** One problem found while decoding, as the generated validators report it: `$.width`. */
export interface WorkerIssue {
  readonly path: string;
  readonly message: string;
}

/** A generated decoder: the typed value, or every issue with its path. */
export type WorkerDecoder<T> = (
  value: unknown,
) => { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: WorkerIssue[] };

/** A generated encoder: the typed value to its wire (JSON) value. */
export type WorkerEncoder<T> = (value: T) => unknown;

/** The events a worker declares with `@emits`, by name: `{ ThumbnailReady: ThumbnailReady }`. */
export type WorkerEvents = { readonly [name: string]: unknown };

/** A worker without `@emits`. */
export type NoWorkerEvents = Record<never, never>;

/** The encoder and decoder of one message type. */
export interface WorkerMessageCodec<T> {
  readonly encode: WorkerEncoder<T>;
  readonly decode: WorkerDecoder<T>;
}

/**
 * The generated validators of one `worker` declaration. Every message crosses the thread boundary
 * as its wire value and is decoded on arrival, so both sides only ever see fully typed values.
 */
export interface WorkerCodec<Input, Progress, Output, Error, Events extends WorkerEvents = NoWorkerEvents> {
  readonly name: string;
  readonly input: WorkerMessageCodec<Input>;
  readonly progress: WorkerMessageCodec<Progress>;
  readonly output: WorkerMessageCodec<Output>;
  readonly error: WorkerMessageCodec<Error>;
  /** The payload validators of the events named in the worker's `@emits`; absent when it emits none. */
  readonly events?: { readonly [N in keyof Events]: WorkerMessageCodec<Events[N]> };
}

/** Which message was malformed. */
export type WorkerMessageKind = "input" | "progress" | "output" | "error" | "event";

/** Delivery options of an event emitted by a worker body (as for `emit` in the event system). */
export interface WorkerEmitOptions {
  readonly delayMs?: number;
  /** Epoch milliseconds. */
  readonly dueAt?: number;
  readonly idempotencyKey?: string;
}

/** An event the body emitted, as it crosses the thread boundary (payload as its wire value). */
export interface WireEvent extends WorkerEmitOptions {
  readonly name: string;
  readonly wire: unknown;
}

/**
 * Where the parent stores the events a run emitted, once its output is decoded. The thread never
 * touches the database: its events travel back with the output.
 */
export type WorkerEventSink =
  /**
   * Into a transaction the caller already holds (an `@emits` handler's `emitEvent`, an event
   * handler's or a workflow step's `context.emit`): the events commit or roll back with it.
   */
  | { readonly emit: Emit }
  /** In one new transaction of the event system (durable: stored together; memory: delivered after it). */
  | { readonly system: EventSystem; readonly db: Database | null; readonly scope: EventScope };

/** Why a run produced neither its output nor its declared error. */
export type WorkerFailure =
  /** The body threw, or the thread died (`process.exit`, out of memory); the pool replaced the thread. */
  | { readonly tag: "crash"; readonly message: string }
  /** The run exceeded its `timeoutMs`; its thread was stopped and replaced. */
  | { readonly tag: "timeout"; readonly timeoutMs: number }
  /** The caller's `AbortSignal` fired; a running thread was stopped and replaced. */
  | { readonly tag: "cancelled" }
  /**
   * A message failed its generated validator. `toWorker`: the input, rejected by the thread before
   * the body ran. `fromWorker`: progress, output or error sent by the body, rejected by the parent.
   */
  | {
      readonly tag: "invalid-message";
      readonly direction: "toWorker" | "fromWorker";
      readonly message: WorkerMessageKind;
      readonly issues: readonly WorkerIssue[];
      /** For `message: "event"`: the name of the event whose payload was malformed. */
      readonly event?: string;
    }
  /**
   * The body returned its output and emitted events, but they could not be stored: no `events`
   * sink was given to `run`, or its transaction failed. Nothing of the run was emitted.
   */
  | { readonly tag: "emit-failed"; readonly message: string };

/** The outcome of one `run`: the typed output, the declared typed error, or a typed failure. */
export type WorkerResult<Output, Error> =
  | {
      readonly tag: "output";
      readonly output: Output;
      /** The stored events, in emit order; present only when the body emitted some. */
      readonly emitted?: readonly EmittedEvent[];
    }
  | { readonly tag: "error"; readonly error: Error }
  | { readonly tag: "failure"; readonly failure: WorkerFailure };

/** What a thread sends back for one task (wire values, decoded by the parent). */
export type WorkerReply =
  | { readonly tag: "output"; readonly wire: unknown; readonly events?: readonly WireEvent[] }
  | { readonly tag: "error"; readonly wire: unknown }
  | { readonly tag: "threw"; readonly message: string }
  | {
      readonly tag: "invalid";
      readonly direction: "toWorker" | "fromWorker";
      readonly message: WorkerMessageKind;
      readonly issues: readonly WorkerIssue[];
      readonly event?: string;
    };

/** What the parent sends for one task: the encoded input and, when progress is wanted, a port. */
export interface WorkerTask {
  readonly wire: unknown;
  readonly port?: import("node:worker_threads").MessagePort;
}
