/** Types shared by the two sides of a typed worker: the parent's pool and the thread's body. */

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

/**
 * The generated validators of one `worker` declaration. Every message crosses the thread boundary
 * as its wire value and is decoded on arrival, so both sides only ever see fully typed values.
 */
export interface WorkerCodec<Input, Progress, Output, Error> {
  readonly name: string;
  readonly input: { readonly encode: WorkerEncoder<Input>; readonly decode: WorkerDecoder<Input> };
  readonly progress: { readonly encode: WorkerEncoder<Progress>; readonly decode: WorkerDecoder<Progress> };
  readonly output: { readonly encode: WorkerEncoder<Output>; readonly decode: WorkerDecoder<Output> };
  readonly error: { readonly encode: WorkerEncoder<Error>; readonly decode: WorkerDecoder<Error> };
}

/** Which message was malformed. */
export type WorkerMessageKind = "input" | "progress" | "output" | "error";

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
    };

/** The outcome of one `run`: the typed output, the declared typed error, or a typed failure. */
export type WorkerResult<Output, Error> =
  | { readonly tag: "output"; readonly output: Output }
  | { readonly tag: "error"; readonly error: Error }
  | { readonly tag: "failure"; readonly failure: WorkerFailure };

/** What a thread sends back for one task (wire values, decoded by the parent). */
export type WorkerReply =
  | { readonly tag: "output"; readonly wire: unknown }
  | { readonly tag: "error"; readonly wire: unknown }
  | { readonly tag: "threw"; readonly message: string }
  | {
      readonly tag: "invalid";
      readonly direction: "toWorker" | "fromWorker";
      readonly message: WorkerMessageKind;
      readonly issues: readonly WorkerIssue[];
    };

/** What the parent sends for one task: the encoded input and, when progress is wanted, a port. */
export interface WorkerTask {
  readonly wire: unknown;
  readonly port?: import("node:worker_threads").MessagePort;
}
