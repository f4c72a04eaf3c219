/**
 * The body side of a typed browser Web Worker (export `@hamlet/runtime-node/web-worker`). Pure:
 * no Node imports, so it bundles for the browser. The generated `typescript/web-workers.ts` calls
 * `defineWebWorker(codec, body)` per worker; `runtime-elm/js/worker.js` starts one Worker per
 * job, posts `{ input }` and forwards every reply to the Elm app unchanged.
 *
 * Both directions are validated with the generated validators: the input is decoded before the
 * body runs; progress, output and error are encoded and then decoded again, so a malformed value
 * the body produced is rejected with the validator's path-precise issues instead of being posted.
 */
import type { WorkerCodec, WorkerDecoder, WorkerFailure, WorkerIssue, WorkerMessageKind } from "./types.js";

export type { WorkerCodec, WorkerDecoder, WorkerFailure, WorkerIssue } from "./types.js";

/** What a worker body posts to the page (and `worker.js` forwards to Elm with the job id). */
export type WebWorkerReply =
  | { readonly tag: "progress"; readonly value: unknown }
  | { readonly tag: "output"; readonly value: unknown }
  | { readonly tag: "error"; readonly value: unknown }
  | { readonly tag: "failure"; readonly failure: WorkerFailure };

/** The parts of a dedicated worker's global scope used here (no DOM/WebWorker lib needed). */
export interface WebWorkerScope {
  postMessage(message: WebWorkerReply): void;
  addEventListener(type: "message", listener: (event: { readonly data: unknown }) => void): void;
}

const declaredError = Symbol("hamlet.webWorker.declaredError");

/** The declared error of a worker, returned by the body through `context.fail(error)`. */
export interface DeclaredWebWorkerError<Error> {
  readonly [declaredError]: Error;
}

/** What the body gets besides its input. */
export interface WebWorkerContext<Progress, Error> {
  /** Posts a progress message (validated first; a malformed one ends the run as `invalid-message`). */
  progress(value: Progress): void;
  /** Wraps the declared error; return it from the body to end the run with that error. */
  fail(error: Error): DeclaredWebWorkerError<Error>;
}

/** The app's implementation of one worker, run in the browser's Web Worker. */
export type WebWorkerBody<Input, Progress, Output, Error> = (
  input: Input,
  context: WebWorkerContext<Progress, Error>,
) => Output | DeclaredWebWorkerError<Error> | Promise<Output | DeclaredWebWorkerError<Error>>;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function invalid(
  direction: "toWorker" | "fromWorker",
  message: WorkerMessageKind,
  issues: readonly WorkerIssue[],
): WebWorkerReply {
  return { tag: "failure", failure: { tag: "invalid-message", direction, message, issues } };
}

/** Encodes a value the body produced and checks the wire value with the validator. */
function checked<T>(
  kind: "progress" | "output" | "error",
  codec: { readonly encode: (value: T) => unknown; readonly decode: WorkerDecoder<T> },
  value: T,
): { readonly ok: true; readonly wire: unknown } | { readonly ok: false; readonly reply: WebWorkerReply } {
  let wire: unknown;
  try {
    wire = codec.encode(value);
  } catch (error) {
    return {
      ok: false,
      reply: invalid("fromWorker", kind, [{ path: "$", message: `cannot encode: ${messageOf(error)}` }]),
    };
  }
  const decoded = codec.decode(wire);
  return decoded.ok ? { ok: true, wire } : { ok: false, reply: invalid("fromWorker", kind, decoded.errors) };
}

function isDeclaredError<Error>(value: unknown): value is DeclaredWebWorkerError<Error> {
  return typeof value === "object" && value !== null && declaredError in value;
}

/**
 * Installs the body as the worker's message handler. Each `{ input }` message is one run; a run
 * ends with exactly one `output`, `error` or `failure` reply (`worker.js` then stops the Worker).
 */
export function defineWebWorker<Input, Progress, Output, Error>(
  codec: WorkerCodec<Input, Progress, Output, Error>,
  body: WebWorkerBody<Input, Progress, Output, Error>,
  scope: WebWorkerScope = globalThis as unknown as WebWorkerScope,
): void {
  scope.addEventListener("message", (event) => {
    void run(event.data);
  });

  async function run(data: unknown): Promise<void> {
    const wire = typeof data === "object" && data !== null && "input" in data ? data.input : undefined;
    const input = codec.input.decode(wire);
    if (!input.ok) return scope.postMessage(invalid("toWorker", "input", input.errors));
    let ended = false;
    const end = (reply: WebWorkerReply): void => {
      if (ended) return;
      ended = true;
      scope.postMessage(reply);
    };
    const context: WebWorkerContext<Progress, Error> = {
      progress(value) {
        if (ended) return;
        const result = checked("progress", codec.progress, value);
        if (result.ok) scope.postMessage({ tag: "progress", value: result.wire });
        else end(result.reply);
      },
      fail: (error) => ({ [declaredError]: error }),
    };
    try {
      const result = await body(input.value, context);
      const reply = isDeclaredError<Error>(result)
        ? checked("error", codec.error, result[declaredError])
        : checked("output", codec.output, result);
      const tag = isDeclaredError(result) ? "error" : "output";
      end(reply.ok ? { tag, value: reply.wire } : reply.reply);
    } catch (error) {
      end({ tag: "failure", failure: { tag: "crash", message: messageOf(error) } });
    }
  }
}
