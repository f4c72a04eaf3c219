/**
 * The `json` emitter: the checked schema as JSON. It proves the emitter interface and gives
 * other tools a stable, resolved view of a schema without parsing `.hamlet` themselves.
 */
import { defineEmitter } from "../../src/emit/types.js";

/** Drops source spans (absolute paths would make output differ between machines). */
function withoutSpans(key: string, value: unknown): unknown {
  return key === "span" ? undefined : value;
}

export const jsonEmitter = defineEmitter<{ spans: boolean; file: string }>({
  name: "json",
  description: "The checked schema as JSON (resolved types, named inline records, constraints).",
  outDir: "json",
  options: {
    spans: {
      type: "boolean",
      default: false,
      description: "Keep source spans (file, start and end offsets) on every node.",
    },
    file: { type: "string", default: "schema.json", description: "Name of the file to write." },
  },
  emit(schema, { options }) {
    const content = `${JSON.stringify(schema, options.spans ? undefined : withoutSpans, 2)}\n`;
    return [{ path: options.file, content }];
  },
});
