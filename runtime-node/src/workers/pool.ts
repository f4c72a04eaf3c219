/**
 * The parent side of a typed worker: a piscina pool of worker threads called as
 * `run(input, { onProgress, signal, timeoutMs })`. Every message from the thread is decoded with the
 * generated validator before it is delivered; crashes, hangs (through `timeoutMs`), cancellations
 * and malformed messages become a typed `WorkerFailure` and piscina replaces the thread.
 */
import { MessageChannel, type MessagePort } from "node:worker_threads";
import { Piscina } from "piscina";
import type { EmittedEvent } from "../events/types.js";
import type {
  NoWorkerEvents,
  WireEvent,
  WorkerCodec,
  WorkerEvents,
  WorkerEventSink,
  WorkerFailure,
  WorkerReply,
  WorkerResult,
  WorkerTask,
} from "./types.js";

export interface WorkerPoolOptions {
  /** Path or `file:` URL of the compiled JavaScript module that exports the `defineWorker` handler. */
  readonly filename: string;
  /** Export to call in that module; `default` when absent. */
  readonly exportName?: string;
  /** Threads kept warm; piscina's default when absent. */
  readonly minThreads?: number;
  /** Most threads at once; piscina's default (from the CPU count) when absent. */
  readonly maxThreads?: number;
  /** Timeout applied to every run that does not give its own `timeoutMs`. No timeout when absent. */
  readonly timeoutMs?: number;
}

export interface RunOptions<Progress> {
  /** Called with each progress message, already decoded; all of them arrive before the result. */
  readonly onProgress?: (progress: Progress) => void;
  /** Cancels the run: a queued task never starts, a running one has its thread stopped. */
  readonly signal?: AbortSignal;
  /** Stops the run (and its thread) after this many milliseconds. */
  readonly timeoutMs?: number;
  /**
   * Where the events the body emitted are stored when it returns its output (all in one
   * transaction). Needed when the worker has `@emits`: a run that emitted events without a sink
   * ends as an `emit-failed` failure rather than dropping them.
   */
  readonly events?: WorkerEventSink;
}

export interface WorkerPool<Input, Progress, Output, Error> {
  /** Runs one task; never rejects: every outcome is a `WorkerResult`. */
  run(input: Input, options?: RunOptions<Progress>): Promise<WorkerResult<Output, Error>>;
  /** Threads currently alive in the pool. */
  readonly threads: number;
  /** Stops every thread; pending runs end as crashes. */
  close(): Promise<void>;
}

function failure<Output, Error>(value: WorkerFailure): WorkerResult<Output, Error> {
  return { tag: "failure", failure: value };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Encodes the input in the parent; an encoder that throws means the caller passed a malformed value. */
function encodeInput<Input>(codec: WorkerCodec<Input, unknown, unknown, unknown>, input: Input) {
  try {
    return { ok: true as const, wire: codec.input.encode(input) };
  } catch (error) {
    return { ok: false as const, message: `cannot encode: ${messageOf(error)}` };
  }
}

/** What the thread posts on the progress port. */
type ProgressMessage =
  | { readonly tag: "progress"; readonly wire: unknown }
  | { readonly tag: "end" }
  | Extract<WorkerReply, { readonly tag: "invalid" }>;

/** Receives progress on a port, decodes it and reports when the thread says it sent the last one. */
class ProgressChannel<Progress> {
  readonly port: MessagePort;
  private readonly receiver: MessagePort;
  readonly drained: Promise<void>;
  invalid: WorkerFailure | undefined;

  constructor(
    codec: WorkerCodec<unknown, Progress, unknown, unknown>,
    onProgress: (progress: Progress) => void,
    onInvalid: () => void,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port2;
    this.receiver = port1;
    this.drained = new Promise<void>((resolve) => {
      port1.on("close", resolve);
      port1.on("message", (message: ProgressMessage) => {
        if (message.tag === "end") {
          port1.close();
          return resolve();
        }
        if (this.invalid !== undefined) return;
        if (message.tag === "invalid") {
          this.invalid = {
            tag: "invalid-message",
            direction: "fromWorker",
            message: "progress",
            issues: message.issues,
          };
          return onInvalid();
        }
        const decoded = codec.progress.decode(message.wire);
        if (decoded.ok) return onProgress(decoded.value);
        this.invalid = { tag: "invalid-message", direction: "fromWorker", message: "progress", issues: decoded.errors };
        onInvalid();
      });
    });
  }

  close(): void {
    this.receiver.close();
  }
}

/** A decoded event, ready for `emit`. */
interface DecodedEvent {
  readonly name: string;
  readonly payload: unknown;
  readonly delayMs?: number;
  readonly dueAt?: number;
  readonly idempotencyKey?: string;
}

/** Decodes the events of an output reply with their payload validators; the first malformed one is the failure. */
function decodeEvents(
  codec: WorkerCodec<unknown, unknown, unknown, unknown, WorkerEvents>,
  events: readonly WireEvent[],
): { readonly ok: true; readonly events: DecodedEvent[] } | { readonly ok: false; readonly failure: WorkerFailure } {
  const decodedEvents: DecodedEvent[] = [];
  for (const { name, wire, ...options } of events) {
    const eventCodec = Object.hasOwn(codec.events ?? {}, name) ? codec.events![name] : undefined;
    const decoded = eventCodec?.decode(wire) ?? {
      ok: false as const,
      errors: [{ path: "$", message: `${name} is not in the @emits of worker ${codec.name}` }],
    };
    if (!decoded.ok) {
      const failure: WorkerFailure = {
        tag: "invalid-message",
        direction: "fromWorker",
        message: "event",
        event: name,
        issues: decoded.errors,
      };
      return { ok: false, failure };
    }
    decodedEvents.push({ name, payload: decoded.value, ...options });
  }
  return { ok: true, events: decodedEvents };
}

/** Stores a run's events through its sink, in emit order, in one transaction. */
async function storeEvents(sink: WorkerEventSink, events: readonly DecodedEvent[]): Promise<EmittedEvent[]> {
  const emitAll = async (emit: (event: DecodedEvent) => Promise<EmittedEvent>): Promise<EmittedEvent[]> => {
    const stored: EmittedEvent[] = [];
    for (const event of events) stored.push(await emit(event));
    return stored;
  };
  if ("emit" in sink) return emitAll(sink.emit);
  return sink.system.transaction(sink.db, sink.scope, (_tx, emit) => emitAll(emit));
}

export function createWorkerPool<Input, Progress, Output, Error, Events extends WorkerEvents = NoWorkerEvents>(
  codec: WorkerCodec<Input, Progress, Output, Error, Events>,
  options: WorkerPoolOptions,
): WorkerPool<Input, Progress, Output, Error> {
  const piscina = new Piscina({
    filename: options.filename,
    name: options.exportName ?? "default",
    ...(options.minThreads !== undefined ? { minThreads: options.minThreads } : {}),
    ...(options.maxThreads !== undefined ? { maxThreads: options.maxThreads } : {}),
  });

  // A thread that dies outside a task (e.g. its module fails to load) is reported here; the run it
  // was given already ends as a crash, and without a listener the error would stop the server.
  piscina.on("error", () => {});

  function decodeReply(reply: WorkerReply): WorkerResult<Output, Error> {
    switch (reply.tag) {
      case "output": {
        const decoded = codec.output.decode(reply.wire);
        if (decoded.ok) return { tag: "output", output: decoded.value };
        return failure({ tag: "invalid-message", direction: "fromWorker", message: "output", issues: decoded.errors });
      }
      case "error": {
        const decoded = codec.error.decode(reply.wire);
        if (decoded.ok) return { tag: "error", error: decoded.value };
        return failure({ tag: "invalid-message", direction: "fromWorker", message: "error", issues: decoded.errors });
      }
      case "threw":
        return failure({ tag: "crash", message: reply.message });
      case "invalid":
        return failure({
          tag: "invalid-message",
          direction: reply.direction,
          message: reply.message,
          issues: reply.issues,
          ...(reply.event !== undefined ? { event: reply.event } : {}),
        });
    }
  }

  /** Decodes the events of a decoded output and stores them; the output is delivered only once they are. */
  async function withEvents(
    result: WorkerResult<Output, Error>,
    events: readonly WireEvent[] | undefined,
    sink: WorkerEventSink | undefined,
  ): Promise<WorkerResult<Output, Error>> {
    if (result.tag !== "output" || events === undefined || events.length === 0) return result;
    const decoded = decodeEvents(codec as WorkerCodec<unknown, unknown, unknown, unknown, WorkerEvents>, events);
    if (!decoded.ok) return failure(decoded.failure);
    if (sink === undefined)
      return failure({
        tag: "emit-failed",
        message: `worker ${codec.name} emitted ${events.map((e) => e.name).join(", ")} but run() was given no \`events\` sink`,
      });
    try {
      return { ...result, emitted: await storeEvents(sink, decoded.events) };
    } catch (error) {
      return failure({ tag: "emit-failed", message: messageOf(error) });
    }
  }

  async function run(input: Input, runOptions: RunOptions<Progress> = {}): Promise<WorkerResult<Output, Error>> {
    const encoded = encodeInput(codec as unknown as WorkerCodec<Input, unknown, unknown, unknown>, input);
    if (!encoded.ok)
      return failure({
        tag: "invalid-message",
        direction: "toWorker",
        message: "input",
        issues: [{ path: "$", message: encoded.message }],
      });
    const timeoutMs = runOptions.timeoutMs ?? options.timeoutMs;
    const { signal, onProgress } = runOptions;
    if (signal?.aborted) return failure({ tag: "cancelled" });
    // Plain runs pass no signal and no port: that keeps the round trip as cheap as raw piscina.
    const stopper =
      timeoutMs !== undefined || signal !== undefined || onProgress !== undefined ? new AbortController() : undefined;
    let stopped: WorkerFailure | undefined;
    const stop = (why: WorkerFailure): void => {
      if (stopped !== undefined) return;
      stopped = why;
      stopper?.abort();
    };
    const onAbort = (): void => stop({ tag: "cancelled" });
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer =
      timeoutMs !== undefined ? setTimeout(() => stop({ tag: "timeout", timeoutMs }), timeoutMs) : undefined;
    const channel =
      onProgress !== undefined
        ? new ProgressChannel<Progress>(
            codec as unknown as WorkerCodec<unknown, Progress, unknown, unknown>,
            onProgress,
            () => stop(channel!.invalid!),
          )
        : undefined;
    const task: WorkerTask =
      channel === undefined ? { wire: encoded.wire } : { wire: encoded.wire, port: channel.port };
    try {
      const reply = (await piscina.run(task, {
        ...(stopper !== undefined ? { signal: stopper.signal } : {}),
        ...(channel !== undefined ? { transferList: [channel.port] } : {}),
      })) as WorkerReply;
      if (channel !== undefined) await channel.drained;
      if (stopped !== undefined) return failure(stopped);
      return await withEvents(decodeReply(reply), reply.tag === "output" ? reply.events : undefined, runOptions.events);
    } catch (error) {
      if (stopped !== undefined) return failure(stopped);
      return failure({ tag: "crash", message: messageOf(error) });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      channel?.close();
    }
  }

  return {
    run,
    get threads() {
      return piscina.threads.length;
    },
    close: () => piscina.destroy(),
  };
}
