/**
 * The `json` emitter: the checked schema as JSON. It proves the emitter interface and gives
 * other tools a stable, resolved view of a schema without parsing `.hamlet` themselves.
 */
import { FragmentCache, joinKept } from "../../src/emit/fragment-cache.js";
import { flatText } from "../../src/emit/large-text.js";
import { defineEmitter } from "../../src/emit/types.js";
import type { Schema } from "../../src/schema/types.js";

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
    const content = options.spans ? `${JSON.stringify(schema, undefined, 2)}\n` : schemaWithoutSpans(schema);
    return [{ path: options.file, content }];
  },
});

/** Each declaration's JSON, kept by a watch build for the next (see src/emit/fragment-cache.ts). */
const declarationTexts = new FragmentCache<string, object>();

const indented = (text: string, indent: string): string => flatText(text.replace(/\n/g, `\n${indent}`));

/**
 * `JSON.stringify(schema, withoutSpans, 2)`, put together from each declaration's text, which a
 * watch build reuses for a declaration it printed before: its text depends on it alone (spans
 * left out, since they move with edits above a declaration that keep it).
 */
function schemaWithoutSpans(schema: Schema): string {
  // One list of parts joined once, so the file is a single flat string with no intermediate copy
  // per member (a 5,000-record schema's JSON is 16 MB; nested joins and the writer's flattening of
  // `{...}` + "\n" held it up to four times).
  const parts: string[] = ["{\n"];
  Object.entries(schema).forEach(([key, value]: [string, unknown], index) => {
    if (index > 0) parts.push(",\n");
    parts.push(`  ${JSON.stringify(key)}: `);
    if (!Array.isArray(value) || value.length === 0) {
      parts.push(indented(JSON.stringify(value, withoutSpans, 2), "  "));
      return;
    }
    parts.push("[\n    ");
    (value as object[]).forEach((item, i) => {
      if (i > 0) parts.push(",\n    ");
      parts.push(
        declarationTexts.reuseOr(
          item,
          () => ({ reached: [] }),
          () => indented(JSON.stringify(item, withoutSpans, 2), "    "),
        ),
      );
    });
    parts.push("\n  ]");
  });
  parts.push("\n}\n");
  return joinKept("schema", parts, "");
}
