/**
 * `workers.ts`: per `worker` declaration, its codec (the generated validators of its four messages),
 * `define<Worker>(body)` for the thread module and `create<Worker>Pool(options)` for the server.
 * Emitted only when the schema declares workers; imports `<runtime>/workers` (see `workersImport`).
 */
import type { Schema, WorkerDef } from "../../src/schema/types.js";

/**
 * The worker entry of runtime-node next to the configured runtime import: `@hamlet/runtime-node`
 * → `@hamlet/runtime-node/workers`, `../runtime-node/src/index.js` → `../runtime-node/src/workers/index.js`.
 * The thread module then loads only the worker code, not Fastify and the database drivers.
 */
export function workersImport(runtimeImport: string): string {
  if (runtimeImport.endsWith("/index.js")) return runtimeImport.replace(/\/index\.js$/, "/workers/index.js");
  return `${runtimeImport}/workers`;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** A codec section: the named type's validators, or a fixed one for an undeclared section. */
function section(type: string | undefined, absent: "never" | "null", what: string): string {
  if (type !== undefined) return `{ encode: encode${type}, decode: decode${type} }`;
  if (absent === "null") return "nullMessage";
  return `neverMessage(${JSON.stringify(what)})`;
}

function workerBlock(w: WorkerDef): string {
  const input = w.input!;
  const progress = w.progress ?? "never";
  const output = w.output ?? "null";
  const error = w.error ?? "never";
  const types = `${input}, ${progress}, ${output}, ${error}`;
  const codec = `${lowerFirst(w.name)}Codec`;
  const doc = w.docs.length > 0 ? w.docs.map((d) => ` * ${d}`).join("\n") + "\n *\n" : "";
  return [
    `/**\n${doc} * The messages of worker \`${w.name}\`, with their generated validators.\n */`,
    `export const ${codec}: WorkerCodec<${types}> = {`,
    `name: ${JSON.stringify(w.name)},`,
    `input: ${section(w.input, "never", "input")},`,
    `progress: ${section(w.progress, "never", `${w.name} declares no progress`)},`,
    `output: ${section(w.output, "null", "output")},`,
    `error: ${section(w.error, "never", `${w.name} declares no error`)},`,
    `};`,
    ``,
    `/** The body of \`${w.name}\`; export the result from the module its pool loads. */`,
    `export function define${w.name}(body: WorkerBody<${types}>): WorkerHandler {`,
    `return defineWorker(${codec}, body);`,
    `}`,
    ``,
    `/** A pool of threads running \`${w.name}\`; \`options.filename\` is the compiled module of \`define${w.name}\`. */`,
    `export function create${w.name}Pool(options: WorkerPoolOptions): WorkerPool<${types}> {`,
    `return createWorkerPool(${codec}, options);`,
    `}`,
  ].join("\n");
}

export function workersFile(schema: Schema, header: string, runtimeImport: string): string {
  const workers = schema.workers.filter((w) => w.input !== undefined);
  const named = new Set<string>();
  for (const w of workers) for (const t of [w.input, w.progress, w.output, w.error]) if (t !== undefined) named.add(t);
  const sorted = [...named].sort();
  const needsNever = workers.some((w) => w.progress === undefined || w.error === undefined);
  const needsNull = workers.some((w) => w.output === undefined);
  const validators = sorted.flatMap((t) => [`decode${t}`, `encode${t}`]);
  const helpers: string[] = [];
  if (needsNever)
    helpers.push(
      `/** A message the worker does not declare: never valid. */`,
      `function neverMessage(what: string): { encode: (value: never) => unknown; decode: WorkerDecoder<never> } {`,
      `return { encode: () => { throw new Error(what); }, decode: () => ({ ok: false, errors: [{ path: "$", message: what }] }) };`,
      `}`,
      ``,
    );
  if (needsNull)
    helpers.push(
      `/** The output of a worker that declares none: \`null\`. */`,
      `const nullMessage = {`,
      `encode: (): unknown => null,`,
      `decode: (value: unknown): ReturnType<WorkerDecoder<null>> => value === null ? { ok: true, value: null } : { ok: false, errors: [{ path: "$", message: "expected null" }] },`,
      `};`,
      ``,
    );
  return [
    header,
    `import { createWorkerPool, defineWorker, type WorkerBody, type WorkerCodec,${needsNever || needsNull ? " type WorkerDecoder," : ""} type WorkerHandler, type WorkerPool, type WorkerPoolOptions } from ${JSON.stringify(workersImport(runtimeImport))};`,
    sorted.length > 0 ? `import type { ${sorted.join(", ")} } from "./types.js";` : "",
    validators.length > 0 ? `import { ${validators.join(", ")} } from "./validators.js";` : "",
    ``,
    ...helpers,
    workers.map(workerBlock).join("\n\n"),
    ``,
  ].join("\n");
}
