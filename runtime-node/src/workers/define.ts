/**
 * The thread side of a typed worker: `defineWorker(codec, body)` is the function a piscina thread
 * runs. It decodes the input with the generated validator (a malformed input never reaches the
 * body), gives the body a typed `progress` and `fail`, and replies with encoded wire values.
 */
import type { WorkerCodec, WorkerMessageKind, WorkerReply, WorkerTask } from "./types.js";

const declaredError = Symbol("hamlet.worker.declaredError");

/** The declared error of a worker, returned by the body through `context.fail(error)`. */
export interface DeclaredWorkerError<Error> {
  readonly [declaredError]: Error;
}

/** What the body gets besides its input. */
export interface WorkerContext<Progress, Error> {
  /** Sends a progress message to the caller's `onProgress` (dropped when the caller gave none). */
  progress(value: Progress): void;
  /** Wraps the declared error; return it from the body to end the run with that error. */
  fail(error: Error): DeclaredWorkerError<Error>;
}

/** The app's implementation of one worker. */
export type WorkerBody<Input, Progress, Output, Error> = (
  input: Input,
  context: WorkerContext<Progress, Error>,
) => Output | DeclaredWorkerError<Error> | Promise<Output | DeclaredWorkerError<Error>>;

/** The function piscina calls with each task; export it (default or named) from the worker module. */
export type WorkerHandler = (task: WorkerTask) => Promise<WorkerReply>;

function isDeclaredError<Error>(value: unknown): value is DeclaredWorkerError<Error> {
  return typeof value === "object" && value !== null && declaredError in value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Encodes a body-produced value; an encoder that throws means the body produced a malformed value. */
function encodeReply(
  kind: WorkerMessageKind,
  encode: (value: never) => unknown,
  value: unknown,
): { readonly ok: true; readonly wire: unknown } | { readonly ok: false; readonly reply: WorkerReply } {
  try {
    return { ok: true, wire: encode(value as never) };
  } catch (error) {
    return {
      ok: false,
      reply: {
        tag: "invalid",
        direction: "fromWorker",
        message: kind,
        issues: [{ path: "$", message: `cannot encode: ${messageOf(error)}` }],
      },
    };
  }
}

export function defineWorker<Input, Progress, Output, Error>(
  codec: WorkerCodec<Input, Progress, Output, Error>,
  body: WorkerBody<Input, Progress, Output, Error>,
): WorkerHandler {
  return async (task) => {
    const input = codec.input.decode(task.wire);
    if (!input.ok) return { tag: "invalid", direction: "toWorker", message: "input", issues: input.errors };
    const port = task.port;
    const context: WorkerContext<Progress, Error> = {
      progress(value) {
        if (port === undefined) return;
        const encoded = encodeReply("progress", codec.progress.encode, value);
        port.postMessage(encoded.ok ? { tag: "progress", wire: encoded.wire } : encoded.reply);
      },
      fail: (error) => ({ [declaredError]: error }),
    };
    try {
      const result = await body(input.value, context);
      const encoded = isDeclaredError<Error>(result)
        ? encodeReply("error", codec.error.encode, result[declaredError])
        : encodeReply("output", codec.output.encode, result);
      if (!encoded.ok) return encoded.reply;
      return isDeclaredError(result) ? { tag: "error", wire: encoded.wire } : { tag: "output", wire: encoded.wire };
    } catch (error) {
      return { tag: "threw", message: messageOf(error) };
    } finally {
      // Tells the parent every progress message is out, so it can deliver them all before the result.
      port?.postMessage({ tag: "end" });
      port?.close();
    }
  };
}
