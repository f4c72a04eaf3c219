/**
 * `workers.ts`: per `worker` declaration, its codec (the generated validators of its four messages),
 * `define<Worker>(body)` for the thread module and `create<Worker>Pool(options)` for the server.
 * Emitted only when the schema declares workers; imports `<runtime>/workers` (see `workersImport`).
 */
import { printDoc, type Doc } from "../../src/emit/doc.js";
import { PRINT_WIDTH } from "../../src/emit/ts-file.js";
import { group, hardline, importDecl, indent, join, line, softline } from "../../src/emit/ts-syntax.js";
import { ifBreak } from "../../src/emit/doc.js";
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

export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** `Name<A, B, C, D>`, broken one argument a line when it does not fit. */
export function typeArgs(name: string, args: readonly string[]): Doc {
  return group([name, "<", indent([softline, join([",", line], args)]), softline, ">"]);
}

/** `{ encode: encodeX, decode: decodeX }`, or a fixed codec for an undeclared section. */
function section(key: string, type: string | undefined, absent: "never" | "null", what: string): Doc {
  if (type === undefined)
    return [key, ": ", absent === "null" ? "nullMessage" : `neverMessage(${JSON.stringify(what)})`, ","];
  return [
    key,
    ": ",
    group(["{", indent([line, `encode: encode${type},`, line, `decode: decode${type}`]), ifBreak(","), line, "}"]),
    ",",
  ];
}

/** `export function name(param: Type): Return {` with Prettier's breaking of the parameter. */
export function signature(name: string, param: Doc, returns: Doc): Doc {
  return group([
    "export function ",
    name,
    "(",
    indent([softline, param]),
    ifBreak(","),
    softline,
    "): ",
    returns,
    " {",
  ]);
}

/** `export type ThumbnailerEvents = { ThumbnailReady: ThumbnailReady };`: the events of its `@emits`. */
function eventsType(w: WorkerDef): Doc {
  const members = w.emits.map((e) => `${e}: ${e}`);
  return group([
    `export type ${w.name}Events = {`,
    indent([line, join([";", line], members)]),
    ifBreak(";"),
    line,
    "};",
  ]);
}

/** `events: { ThumbnailReady: { encode: ..., decode: ... } },` in the codec. */
function eventsSection(w: WorkerDef): Doc {
  const entries = w.emits.map((e) => [
    e,
    ": ",
    group(["{", indent([line, `encode: encode${e},`, line, `decode: decode${e}`]), ifBreak(","), line, "}"]),
  ]);
  return group(["events: {", indent([line, join([",", line], entries)]), ifBreak(","), line, "},"]);
}

/** The doc comment and `export const <worker>Codec` of a worker; `withEvents` adds its `@emits`. */
export function codecDeclaration(w: WorkerDef, withEvents: boolean): string {
  const emits = withEvents && w.emits.length > 0;
  const args = [...messageTypeArgs(w), ...(emits ? [`${w.name}Events`] : [])];
  const codec = `${lowerFirst(w.name)}Codec`;
  const doc = w.docs.length > 0 ? w.docs.map((d) => ` * ${d}`).join("\n") + "\n *\n" : "";
  const codecDoc: Doc = [
    ["export const ", codec, ": ", typeArgs("WorkerCodec", args), " = {"],
    indent([
      hardline,
      `name: ${JSON.stringify(w.name)},`,
      hardline,
      section("input", w.input, "never", "input"),
      hardline,
      section("progress", w.progress, "never", `${w.name} declares no progress`),
      hardline,
      section("output", w.output, "null", "output"),
      hardline,
      section("error", w.error, "never", `${w.name} declares no error`),
      ...(emits ? [hardline, eventsSection(w)] : []),
    ]),
    hardline,
    "};",
  ];
  return [
    `/**\n${doc} * The messages of worker \`${w.name}\`, with their generated validators.\n */`,
    printDoc(codecDoc, PRINT_WIDTH),
  ].join("\n");
}

/** The four message types of a worker as type arguments (`never`/`null` for undeclared sections). */
export function messageTypeArgs(w: WorkerDef): string[] {
  return [w.input!, w.progress ?? "never", w.output ?? "null", w.error ?? "never"];
}

function workerBlock(w: WorkerDef): string {
  const emits = w.emits.length > 0;
  const args = [...messageTypeArgs(w), ...(emits ? [`${w.name}Events`] : [])];
  const poolArgs = args.slice(0, 4);
  const codec = `${lowerFirst(w.name)}Codec`;
  const define: Doc = [
    signature(`define${w.name}`, ["body: ", typeArgs("WorkerBody", args)], "WorkerHandler"),
    indent([hardline, `return defineWorker(${codec}, body);`]),
    hardline,
    "}",
  ];
  const create: Doc = [
    signature(`create${w.name}Pool`, "options: WorkerPoolOptions", typeArgs("WorkerPool", poolArgs)),
    indent([hardline, `return createWorkerPool(${codec}, options);`]),
    hardline,
    "}",
  ];
  const events = emits
    ? [`/** The events \`${w.name}\` may emit (its \`@emits\`), by name. */`, printDoc(eventsType(w), PRINT_WIDTH), ``]
    : [];
  return [
    ...events,
    codecDeclaration(w, true),
    ``,
    `/** The body of \`${w.name}\`; export the result from the module its pool loads. */`,
    printDoc(define, PRINT_WIDTH),
    ``,
    `/** A pool of threads running \`${w.name}\`; \`options.filename\` is the compiled module of \`define${w.name}\`. */`,
    printDoc(create, PRINT_WIDTH),
  ].join("\n");
}

/** Fixed helpers, already in their final layout. */
export const NEVER_MESSAGE = `/** A message the worker does not declare: never valid. */
function neverMessage(what: string): {
  encode: (value: never) => unknown;
  decode: WorkerDecoder<never>;
} {
  return {
    encode: () => {
      throw new Error(what);
    },
    decode: () => ({ ok: false, errors: [{ path: "$", message: what }] }),
  };
}
`;

export const NULL_MESSAGE = `/** The output of a worker that declares none: \`null\`. */
const nullMessage = {
  encode: (): unknown => null,
  decode: (value: unknown): ReturnType<WorkerDecoder<null>> =>
    value === null
      ? { ok: true, value: null }
      : { ok: false, errors: [{ path: "$", message: "expected null" }] },
};
`;

/** What `workers.ts` and `web-workers.ts` differ in; the rest of their layout is shared. */
export interface WorkersFileParts {
  readonly header: string;
  /** The declared types a worker's file imports (its messages, and for the server its events). */
  readonly typesOf: (w: WorkerDef) => readonly (string | undefined)[];
  /** The runtime's names to import, given whether the `never`/`null` codecs need `WorkerDecoder`. */
  readonly runtimeNames: (needsDecoder: boolean) => readonly string[];
  readonly runtimeFrom: string;
  readonly block: (w: WorkerDef) => string;
}

/** A workers file: imports, the `never`/`null` codecs when some worker lacks a section, one block per worker. */
export function printWorkersFile(schema: Schema, parts: WorkersFileParts): string {
  const workers = schema.workers.filter((w) => w.input !== undefined);
  const named = new Set<string>();
  for (const w of workers) for (const t of parts.typesOf(w)) if (t !== undefined) named.add(t);
  const sorted = [...named].sort();
  const needsNever = workers.some((w) => w.progress === undefined || w.error === undefined);
  const needsNull = workers.some((w) => w.output === undefined);
  const runtimeNames = parts.runtimeNames(needsNever || needsNull);
  const imports = [printDoc(importDecl(runtimeNames, parts.runtimeFrom, false), PRINT_WIDTH)];
  if (sorted.length > 0) imports.push(printDoc(importDecl(sorted, "./types.js", true), PRINT_WIDTH));
  const validators = sorted.flatMap((t) => [`decode${t}`, `encode${t}`]);
  if (validators.length > 0) imports.push(printDoc(importDecl(validators, "./validators.js", false), PRINT_WIDTH));
  const out = [parts.header, imports.join("\n"), ""];
  if (needsNever) out.push(NEVER_MESSAGE);
  if (needsNull) out.push(NULL_MESSAGE);
  out.push(workers.map(parts.block).join("\n\n"), "");
  return out.join("\n");
}

/** `workers.ts`, printed in Prettier's layout at printWidth 100 (no formatter pass). */
export function workersFile(schema: Schema, header: string, runtimeImport: string): string {
  return printWorkersFile(schema, {
    header,
    typesOf: (w) => [w.input, w.progress, w.output, w.error, ...w.emits],
    runtimeNames: (needsDecoder) => [
      "createWorkerPool",
      "defineWorker",
      "type WorkerBody",
      "type WorkerCodec",
      ...(needsDecoder ? ["type WorkerDecoder"] : []),
      "type WorkerHandler",
      "type WorkerPool",
      "type WorkerPoolOptions",
    ],
    runtimeFrom: workersImport(runtimeImport),
    block: workerBlock,
  });
}
