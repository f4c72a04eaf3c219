/**
 * The thread side of a typed worker: `defineWorker(codec, body)` is the function a piscina thread
 * runs. It decodes the input with the generated validator (a malformed input never reaches the
 * body), gives the body a typed `progress` and `fail`, and replies with encoded wire values.
 */
import type {
  NoWorkerEvents,
  WireEvent,
  WorkerCodec,
  WorkerEmitOptions,
  WorkerEvents,
  WorkerMessageKind,
  WorkerReply,
  WorkerTask,
} from "./types.js";

const declaredError = Symbol("hamlet.worker.declaredError");

/** The declared error of a worker, returned by the body through `context.fail(error)`. */
export interface DeclaredWorkerError<Error> {
  readonly [declaredError]: Error;
}

/** What the body gets besides its input. */
export interface WorkerContext<Progress, Error, Events extends WorkerEvents = NoWorkerEvents> {
  /** Sends a progress message to the caller's `onProgress` (dropped when the caller gave none). */
  progress(value: Progress): void;
  /** Wraps the declared error; return it from the body to end the run with that error. */
  fail(error: Error): DeclaredWorkerError<Error>;
  /**
   * Emits one of the events of the worker's `@emits`. Nothing leaves the thread until the body
   * returns its output: the parent then stores every emitted event in one transaction. A declared
   * error, a throw or any failure emits nothing (as a rolled-back `@emits` endpoint).
   */
  emit<N extends keyof Events & string>(name: N, payload: Events[N], options?: WorkerEmitOptions): void;
}

/** The app's implementation of one worker. */
export type WorkerBody<Input, Progress, Output, Error, Events extends WorkerEvents = NoWorkerEvents> = (
  input: Input,
  context: WorkerContext<Progress, Error, Events>,
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

/** Encodes each emitted event with its payload encoder; the first one that fails (or is undeclared) is the reply. */
function encodeEvents(
  codec: WorkerCodec<unknown, unknown, unknown, unknown, WorkerEvents>,
  emitted: readonly { readonly name: string; readonly payload: unknown; readonly options: WorkerEmitOptions }[],
): { readonly ok: true; readonly events: WireEvent[] } | { readonly ok: false; readonly reply: WorkerReply } {
  const events: WireEvent[] = [];
  for (const { name, payload, options } of emitted) {
    const eventCodec = Object.hasOwn(codec.events ?? {}, name) ? codec.events![name] : undefined;
    if (eventCodec === undefined) {
      const issues = [{ path: "$", message: `${name} is not in the @emits of worker ${codec.name}` }];
      return { ok: false, reply: { tag: "invalid", direction: "fromWorker", message: "event", event: name, issues } };
    }
    const encoded = encodeReply("event", eventCodec.encode, payload);
    if (!encoded.ok) return { ok: false, reply: { ...encoded.reply, event: name } as WorkerReply };
    events.push({ name, wire: encoded.wire, ...options });
  }
  return { ok: true, events };
}

export function defineWorker<Input, Progress, Output, Error, Events extends WorkerEvents = NoWorkerEvents>(
  codec: WorkerCodec<Input, Progress, Output, Error, Events>,
  body: WorkerBody<Input, Progress, Output, Error, Events>,
): WorkerHandler {
  return async (task) => {
    const input = codec.input.decode(task.wire);
    if (!input.ok) return { tag: "invalid", direction: "toWorker", message: "input", issues: input.errors };
    const port = task.port;
    const emitted: { name: string; payload: unknown; options: WorkerEmitOptions }[] = [];
    const context: WorkerContext<Progress, Error, Events> = {
      progress(value) {
        if (port === undefined) return;
        const encoded = encodeReply("progress", codec.progress.encode, value);
        port.postMessage(encoded.ok ? { tag: "progress", wire: encoded.wire } : encoded.reply);
      },
      fail: (error) => ({ [declaredError]: error }),
      emit: (name, payload, options = {}) => void emitted.push({ name, payload, options }),
    };
    try {
      const result = await body(input.value, context);
      const encoded = isDeclaredError<Error>(result)
        ? encodeReply("error", codec.error.encode, result[declaredError])
        : encodeReply("output", codec.output.encode, result);
      if (!encoded.ok) return encoded.reply;
      if (isDeclaredError(result)) return { tag: "error", wire: encoded.wire };
      if (emitted.length === 0) return { tag: "output", wire: encoded.wire };
      const events = encodeEvents(codec as WorkerCodec<unknown, unknown, unknown, unknown, WorkerEvents>, emitted);
      return events.ok ? { tag: "output", wire: encoded.wire, events: events.events } : events.reply;
    } catch (error) {
      return { tag: "threw", message: messageOf(error) };
    } finally {
      // Tells the parent every progress message is out, so it can deliver them all before the result.
      port?.postMessage({ tag: "end" });
      port?.close();
    }
  };
}
