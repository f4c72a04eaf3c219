/**
 * The `elm` emitter: Elm 0.19.1 types, JSON codecs, validators and request functions for a
 * schema, plus a copy of the hand-written runtime modules (runtime-elm/src/Hamlet/*.elm).
 * Naming rules and the generated API are described in README.md next to this file.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { diagnostic } from "../../src/diagnostics/messages.js";
import { defineEmitter, type EmittedFile } from "../../src/emit/types.js";
import type { Schema } from "../../src/schema/types.js";
import { buildContext, qualified } from "./context.js";
import { endpointsModule } from "./endpoints-module.js";
import { typesModule } from "./types-module.js";
import { validateModule } from "./validate-module.js";

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

/** The elm-format binary of this package's node_modules, if installed. */
export function elmFormatPath(root: string = packageRoot()): string | undefined {
  const candidates = [join(root, "node_modules", ".bin", "elm-format")];
  return candidates.find((p) => existsSync(p));
}

/** Formats Elm source with the real elm-format; throws on a syntax error. */
export function formatElm(source: string, binary: string): string {
  const result = spawnSync(binary, ["--stdin", "--elm-version=0.19"], {
    input: source,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0)
    throw new Error(`elm-format rejected generated code: ${result.stderr || String(result.error)}\n${source}`);
  return result.stdout;
}

/** The generated modules (unformatted), keyed by path, for a prefix such as `Api`. */
export function generateModules(schema: Schema, prefix: string): EmittedFile[] {
  const ctx = buildContext(schema);
  const types = `${prefix}.Types`;
  // A schema without types (empty, or only models) gets no Types module: Elm has no empty `exposing ()`.
  const files: EmittedFile[] =
    schema.types.length === 0
      ? []
      : [{ path: `${prefix.replace(/\./g, "/")}/Types.elm`, content: typesModule(ctx, types) }];
  const validate = validateModule(qualified(ctx, "Types."), `${prefix}.Validate`, types);
  if (validate) files.push({ path: `${prefix.replace(/\./g, "/")}/Validate.elm`, content: validate });
  const endpoints = endpointsModule(qualified(ctx, "Types."), `${prefix}.Endpoints`, types);
  if (endpoints) files.push({ path: `${prefix.replace(/\./g, "/")}/Endpoints.elm`, content: endpoints });
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
  emit(schema, { options, report }) {
    const prefix = options.prefix;
    const root = packageRoot();
    const binary = elmFormatPath(root);
    if (!binary)
      report(
        diagnostic("HAM0804", undefined, {
          emitter: "elm",
          detail: "elm-format is not installed, so the generated Elm code is left unformatted",
        }),
      );
    const modules = generateModules(schema, prefix).map((f) => ({
      path: f.path,
      content: binary ? formatElm(f.content, binary) : f.content,
    }));
    return [...modules, ...runtimeFiles(root)];
  },
});
