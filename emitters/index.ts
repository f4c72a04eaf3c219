/**
 * The built-in emitters, in the order they run: a name and a loader each. Commands that only
 * read hamlet.toml (check, fmt, migrate) use the names; only commands that emit load the code.
 * Add new emitters here.
 */
import type { AnyEmitter } from "../src/emit/types.js";

export interface EmitterEntry {
  /** Also the key in `[hamlet.emitters.<name>]`; equals the loaded emitter's `name`. */
  readonly name: string;
  load(): Promise<AnyEmitter>;
}

export const builtinEmitters: readonly EmitterEntry[] = [
  { name: "json", load: async () => (await import("./json/index.js")).jsonEmitter },
  { name: "elm", load: async () => (await import("./elm/index.js")).elmEmitter },
  { name: "openapi", load: async () => (await import("./openapi/index.js")).openapiEmitter },
  { name: "sql", load: async () => (await import("./sql/index.js")).sqlEmitter },
  { name: "repository", load: async () => (await import("./repository/index.js")).repositoryEmitter },
  { name: "docs", load: async () => (await import("./docs/index.js")).docsEmitter },
  { name: "typescript", load: async () => (await import("./typescript/index.js")).typescriptEmitter },
];

export const builtinEmitterNames: readonly string[] = builtinEmitters.map((e) => e.name);

/** Loads the named emitters (default: all), in registry order. */
export async function loadEmitters(include: (name: string) => boolean = () => true): Promise<AnyEmitter[]> {
  return Promise.all(builtinEmitters.filter((e) => include(e.name)).map((e) => e.load()));
}
