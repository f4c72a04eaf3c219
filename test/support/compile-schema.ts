/** The one way tests compile a schema file: with the features its first lines ask for (`// features: ...`). */
import { readFileSync } from "node:fs";
import { compile } from "../../src/program/compile.js";
import type { Schema } from "../../src/schema/types.js";
import { readFeatures } from "./markers.js";

/** Compiles `entry` (and what it imports); throws with every diagnostic when it does not compile. */
export function compileSchema(entry: string): Schema {
  const result = compile({ entries: [entry], features: readFeatures(readFileSync(entry, "utf8")) });
  if (!result.schema)
    throw new Error(`${entry} does not compile: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join("; ")}`);
  return result.schema;
}
