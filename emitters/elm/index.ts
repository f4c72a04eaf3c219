/**
 * The `elm` emitter: Elm 0.19.1 types, JSON codecs, validators and request functions for a
 * schema, plus a copy of the hand-written runtime modules (runtime-elm/src/Hamlet/*.elm).
 * Naming rules and the generated API are described in README.md next to this file. The code is
 * printed directly in elm-format's layout (printer.ts); a build never runs elm-format.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { declarationInputs, reuseFile } from "../../src/emit/fragment-cache.js";
import { afterLargeFile } from "../../src/emit/large-text.js";
import { defineEmitter, type EmittedFile } from "../../src/emit/types.js";
import type { Schema, TypeDef } from "../../src/schema/types.js";
import { buildContext, qualified, type ElmContext } from "./context.js";
import { endpointsModule } from "./endpoints-module.js";
import { sseModule } from "./sse-module.js";
import { contextKey, typesModule } from "./types-module.js";
import { uploadsModule } from "./uploads-module.js";
import { validateModule } from "./validate-module.js";
import { webSocketModule } from "./websocket-module.js";
import { workerBodiesModule, workersModule } from "./workers-module.js";

export { buildContext } from "./context.js";
export * as elmNames from "./names.js";

/** The repository (or installed package) root: the nearest folder up from here holding runtime-elm/. */
export function packageRoot(start: string = import.meta.dirname): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "runtime-elm", "src", "Hamlet"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find runtime-elm/ above ${start}`);
    dir = parent;
  }
}

/** The runtime modules generated code imports, as `Hamlet/<Name>.elm` files. */
export function runtimeFiles(root: string = packageRoot()): EmittedFile[] {
  const dir = join(root, "runtime-elm", "src", "Hamlet");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".elm"))
    .sort()
    .map((name) => ({ path: `Hamlet/${name}`, content: readFileSync(join(dir, name), "utf8") }));
}

/**
 * What a module printed from `declarations` reads (watch builds reuse it when unchanged, see
 * src/emit/fragment-cache.ts): the declarations, the types they reach, and what the context
 * derived from the whole schema about those types (wrapping, constructor names, recursion).
 */
function moduleInputs(ctx: ElmContext, name: string, declarations: readonly (readonly object[])[]) {
  return (): unknown[] => {
    const inputs = declarationInputs(ctx.schema, declarations);
    const types = inputs.filter((i): i is TypeDef => ctx.types.get((i as Partial<TypeDef>).name ?? "") === i);
    return [name, ...inputs, types.length === 0 ? "" : contextKey(ctx, types[0]!, types.slice(1))];
  };
}

/** The generated modules, already in elm-format's layout, for a prefix such as `Api`. */
export function generateModules(schema: Schema, prefix: string): EmittedFile[] {
  const ctx = buildContext(schema);
  const types = `${prefix}.Types`;
  const path = (module: string) => `${prefix.replace(/\./g, "/")}/${module}.elm`;
  const inTypes = qualified(ctx, "Types.");
  // A large module's garbage goes before the next is printed (a one-shot build's peak memory).
  const files: EmittedFile[] = [{ path: path("Types"), content: afterLargeFile(typesModule(ctx, types)) }];
  const validate = validateModule(inTypes, `${prefix}.Validate`, types);
  if (validate) files.push({ path: path("Validate"), content: validate });
  const printed: [string, readonly (readonly object[])[], () => string | undefined][] = [
    ["Endpoints", [schema.endpoints], () => endpointsModule(inTypes, `${prefix}.Endpoints`, types)],
    ["Sse", [schema.sse, schema.workflows], () => sseModule(schema, `${prefix}.Sse`, types)],
    ["WebSocket", [schema.websockets], () => webSocketModule(inTypes, `${prefix}.WebSocket`, types)],
    ["Uploads", [schema.uploads], () => uploadsModule(inTypes, `${prefix}.Uploads`, types)],
    ["Workers", [schema.workers], () => workersModule(inTypes, `${prefix}.Workers`, types)],
    ["WorkerBodies", [schema.workers], () => workerBodiesModule(inTypes, `${prefix}.WorkerBodies`, types)],
  ];
  for (const [module, declarations, print] of printed) {
    const content = reuseFile(path(module), moduleInputs(ctx, prefix, declarations), print);
    if (content) files.push({ path: path(module), content });
  }
  return files;
}

export const elmEmitter = defineEmitter<{ prefix: string }>({
  name: "elm",
  description:
    "Elm types, JSON decoders/encoders, validators and request functions, with the Hamlet Elm runtime modules.",
  outDir: "elm",
  options: {
    prefix: {
      type: "string",
      default: "Api",
      description: "Module prefix of the generated modules (`Api` gives Api.Types, Api.Validate, Api.Endpoints).",
      check: (prefix) =>
        /^[A-Z][A-Za-z0-9_]*(\.[A-Z][A-Za-z0-9_]*)*$/.test(prefix) && !prefix.split(".").includes("Hamlet")
          ? undefined
          : "an Elm module name such as `Api` or `My.Api` (and not `Hamlet`, the runtime's modules)",
    },
  },
  emit(schema, { options }) {
    const prefix = options.prefix;
    // The runtime modules are files of this package: read once per watch session.
    return [...generateModules(schema, prefix), ...reuseFile("runtime", () => [], runtimeFiles)];
  },
});
