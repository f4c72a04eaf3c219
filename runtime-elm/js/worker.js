// @ts-check
/**
 * Wires the ports of a generated `Api/Workers.elm` to browser Web Workers. ESM, no dependencies.
 *
 *   import { connectWorkers } from "./worker.js";
 *   const app = Elm.Main.init({ node });
 *   connectWorkers(app, {
 *     Thumbnailer: () => new Worker(new URL("./thumbnailer.worker.js", import.meta.url), { type: "module" }),
 *   }, { timeoutMs: 30_000 });
 *
 * Each `start<Worker>` creates a new Worker (so `cancel<Worker>` can stop a run by terminating it),
 * posts `{ input }` to it, and forwards every reply to Elm as it is, with the job id added. Nothing
 * is decoded here: the worker body validates (generated `typescript/web-workers.ts`) and Elm decodes
 * (generated decoders). A run ends with its output, its error or a failure; its Worker is then stopped.
 * With `timeoutMs` (one number for every worker, or per worker name), a run still going after that
 * many milliseconds ends with the failure `{ tag: "timeout", timeoutMs }` (Elm: `TimedOut ms`) and its
 * Worker is terminated.
 */

/**
 * @typedef {{ subscribe(listener: (value: unknown) => void): void }} ElmOutPort
 * @typedef {{ send(value: unknown): void }} ElmInPort
 * @typedef {{ ports?: Record<string, Partial<ElmOutPort & ElmInPort> | undefined> }} ElmApp
 * @typedef {{
 *   postMessage(message: unknown): void,
 *   terminate(): void,
 *   onmessage: ((event: { data: unknown }) => void) | null,
 *   onerror: ((event: { message?: string, preventDefault?(): void }) => void) | null,
 *   onmessageerror: ((event: unknown) => void) | null,
 * }} WorkerLike
 * @typedef {{ [worker: string]: () => WorkerLike }} WorkerFactories
 * @typedef {{ disconnect(): void, running(worker: string): string[] }} WorkersConnection
 * @typedef {{ timeoutMs?: number | { [worker: string]: number | undefined } }} WorkersOptions
 */

/**
 * `Thumbnailer` → `thumbnailer`, as the Elm emitter names the ports (`thumbnailerToWorker`).
 * @param {string} name
 */
function portBase(name) {
  const run = /^[A-Z]+/.exec(name)?.[0] ?? "";
  if (run.length <= 1) return name.charAt(0).toLowerCase() + name.slice(1);
  const rest = name.slice(run.length);
  if (rest === "" || !/^[a-z]/.test(rest)) return run.toLowerCase() + rest;
  return run.slice(0, -1).toLowerCase() + run.slice(-1) + rest;
}

/**
 * The end of a run: its output, its declared error or a failure.
 * @param {unknown} reply
 */
function isFinal(reply) {
  const tag = typeof reply === "object" && reply !== null ? /** @type {{ tag?: unknown }} */ (reply).tag : undefined;
  return tag !== "progress";
}

/**
 * Connects the worker ports of `app`. `workers` maps each worker name of the schema to a function
 * that creates a fresh `Worker` running its body. A worker whose ports the Elm program does not use
 * (Elm drops unused ports) is skipped.
 *
 * @param {ElmApp} app
 * @param {WorkerFactories} workers
 * @param {WorkersOptions} [options]
 * @returns {WorkersConnection}
 */
export function connectWorkers(app, workers, options = {}) {
  /** @type {Map<string, Map<string, WorkerLike>>} */
  const jobs = new Map();
  /** @type {Array<() => void>} */
  const cleanups = [];

  for (const [name, create] of Object.entries(workers)) {
    const base = portBase(name);
    const toWorker = app.ports?.[`${base}ToWorker`];
    const fromWorker = app.ports?.[`${base}FromWorker`];
    if (!toWorker?.subscribe || !fromWorker?.send) continue;
    const send = fromWorker.send.bind(fromWorker);
    /** @type {Map<string, WorkerLike>} */
    const running = new Map();
    jobs.set(name, running);
    /** @type {Map<string, ReturnType<typeof setTimeout>>} */
    const timers = new Map();
    const timeoutMs = typeof options.timeoutMs === "number" ? options.timeoutMs : options.timeoutMs?.[name];

    /** @param {string} job @param {unknown} reply */
    const deliver = (job, reply) => {
      if (!running.has(job)) return; // cancelled or already finished: nothing more of this run
      if (isFinal(reply)) {
        running.get(job)?.terminate();
        running.delete(job);
        clearTimeout(timers.get(job));
        timers.delete(job);
      }
      send({ job, ...(typeof reply === "object" && reply !== null ? reply : { tag: "reply", value: reply }) });
    };

    /** @param {string} job @param {string} message */
    const crash = (job, message) => deliver(job, { tag: "failure", failure: { tag: "crash", message } });

    /** @param {unknown} command */
    const listener = (command) => {
      const { tag, job, input } = /** @type {{ tag?: unknown, job?: unknown, input?: unknown }} */ (command ?? {});
      if (typeof job !== "string") return;
      if (tag === "cancel") {
        if (!running.has(job)) return;
        deliver(job, { tag: "failure", failure: { tag: "cancelled" } });
        return;
      }
      if (tag !== "start") return;
      running.get(job)?.terminate(); // a job id reused while running restarts it
      let worker;
      try {
        worker = create();
      } catch (error) {
        running.set(job, /** @type {WorkerLike} */ ({ terminate() {} }));
        crash(job, `cannot start the worker: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      running.set(job, worker);
      clearTimeout(timers.get(job));
      if (timeoutMs !== undefined)
        timers.set(
          job,
          setTimeout(() => {
            if (running.get(job) === worker) deliver(job, { tag: "failure", failure: { tag: "timeout", timeoutMs } });
          }, timeoutMs),
        );
      worker.onmessage = (event) => {
        if (running.get(job) === worker) deliver(job, event.data);
      };
      worker.onerror = (event) => {
        event.preventDefault?.();
        if (running.get(job) === worker) crash(job, event.message || "the worker failed to load or threw");
      };
      worker.onmessageerror = () => {
        if (running.get(job) === worker) crash(job, "a message from the worker could not be read");
      };
      worker.postMessage({ input });
    };
    toWorker.subscribe(listener);
    cleanups.push(() => {
      /** @type {{ unsubscribe?(listener: (value: unknown) => void): void }} */ (toWorker).unsubscribe?.(listener);
      for (const worker of running.values()) worker.terminate();
      running.clear();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    });
  }

  return {
    disconnect() {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
    running(worker) {
      return [...(jobs.get(worker)?.keys() ?? [])];
    },
  };
}
