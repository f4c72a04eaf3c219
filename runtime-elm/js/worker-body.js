// @ts-check
/**
 * Runs a worker body written in Elm (a `Platform.worker` program using the generated
 * `Api/WorkerBodies.elm`) inside a browser Web Worker. ESM, no dependencies; bundle it with the
 * compiled Elm program into the worker script (esbuild, Vite):
 *
 *   import { connectWorkerBody } from "./worker-body.js";
 *   import compiled from "./thumbnailer-body.elm.js"; // elm make src/ThumbnailerBody.elm --output=...
 *   connectWorkerBody(compiled.Elm.ThumbnailerBody.init(), "Thumbnailer");
 *
 * Each `{ input }` message from the page (`worker.js`) goes to the `<worker>Input` port unchanged;
 * everything the program sends on `<worker>Reply` is posted to the page unchanged. The Elm side
 * decodes the input with the generated decoder; the page's Elm decodes every reply.
 */

/**
 * @typedef {{ ports?: Record<string, { send?(value: unknown): void, subscribe?(listener: (value: unknown) => void): void } | undefined> }} ElmApp
 * @typedef {{ postMessage(message: unknown): void, addEventListener(type: "message", listener: (event: { data: unknown }) => void): void }} WorkerScope
 */

/**
 * `Thumbnailer` → `thumbnailer`, as the Elm emitter names the ports (`thumbnailerInput`).
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
 * Wires the ports of worker `name` of an Elm program to the Web Worker's global scope.
 *
 * @param {ElmApp} app
 * @param {string} name the worker's name in the schema (`Thumbnailer`)
 * @param {WorkerScope} [scope] the worker's global scope (`self` by default)
 */
export function connectWorkerBody(app, name, scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (globalThis))) {
  const base = portBase(name);
  const input = app.ports?.[`${base}Input`];
  const reply = app.ports?.[`${base}Reply`];
  if (!input?.send || !reply?.subscribe)
    throw new Error(`the Elm program does not use the ports ${base}Input and ${base}Reply of Api.WorkerBodies`);
  const send = input.send.bind(input);
  reply.subscribe((message) => scope.postMessage(message));
  scope.addEventListener("message", (event) => {
    const data = /** @type {{ input?: unknown } | null} */ (event.data);
    send(typeof data === "object" && data !== null ? (data.input ?? null) : null);
  });
}
