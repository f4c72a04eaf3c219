/**
 * The `elm` emitter: Elm 0.19.1 types, JSON codecs, validators and request functions for a
 * schema, plus a copy of the hand-written runtime modules (runtime-elm/src/Hamlet/*.elm).
 * Naming rules and the generated API are described in README.md next to this file. The code is
 * printed directly in elm-format's layout (printer.ts); a build never runs elm-format.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { defineEmitter, type EmittedFile } from "../../src/emit/types.js";
import type { Schema } from "../../src/schema/types.js";
import { buildContext, qualified } from "./context.js";
import { endpointsModule } from "./endpoints-module.js";
import { sseModule } from "./sse-module.js";
import { typesModule } from "./types-module.js";
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

/** The generated modules, already in elm-format's layout, for a prefix such as `Api`. */
export function generateModules(schema: Schema, prefix: string): EmittedFile[] {
  const ctx = buildContext(schema);
  const types = `${prefix}.Types`;
  const files: EmittedFile[] = [{ path: `${prefix.replace(/\./g, "/")}/Types.elm`, content: typesModule(ctx, types) }];
  const validate = validateModule(qualified(ctx, "Types."), `${prefix}.Validate`, types);
  if (validate) files.push({ path: `${prefix.replace(/\./g, "/")}/Validate.elm`, content: validate });
  const endpoints = endpointsModule(qualified(ctx, "Types."), `${prefix}.Endpoints`, types);
  if (endpoints) files.push({ path: `${prefix.replace(/\./g, "/")}/Endpoints.elm`, content: endpoints });
  const sse = sseModule(schema, `${prefix}.Sse`, types);
  if (sse !== undefined) files.push({ path: `${prefix.replace(/\./g, "/")}/Sse.elm`, content: sse });
  const webSocket = webSocketModule(qualified(ctx, "Types."), `${prefix}.WebSocket`, types);
  if (webSocket) files.push({ path: `${prefix.replace(/\./g, "/")}/WebSocket.elm`, content: webSocket });
  const uploads = uploadsModule(qualified(ctx, "Types."), `${prefix}.Uploads`, types);
  if (uploads) files.push({ path: `${prefix.replace(/\./g, "/")}/Uploads.elm`, content: uploads });
  const workers = workersModule(qualified(ctx, "Types."), `${prefix}.Workers`, types);
  if (workers) files.push({ path: `${prefix.replace(/\./g, "/")}/Workers.elm`, content: workers });
  const bodies = workerBodiesModule(qualified(ctx, "Types."), `${prefix}.WorkerBodies`, types);
  if (bodies) files.push({ path: `${prefix.replace(/\./g, "/")}/WorkerBodies.elm`, content: bodies });
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
    return [...generateModules(schema, prefix), ...runtimeFiles()];
  },
});
