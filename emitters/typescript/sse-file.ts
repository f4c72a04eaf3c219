/**
 * `sse.ts`: per `sse` declaration its spec (route `/hamlet/sse/<Name>`, auth, the generated
 * encoder and validator) and `serve<Name>(app, options?)`, which registers the route and returns
 * the typed publisher (`toSession`, `toSessions`, `toTenant`); `serveSseStreams(app, options?)`
 * serves them all at once. Printed in its final (Prettier) layout.
 */
import type { Schema, SseDef } from "../../src/schema/types.js";
import { tsDoc } from "./model.js";

const PRINT_WIDTH = 100;

/** The route of a declared stream. */
export function ssePath(name: string): string {
  return `/hamlet/sse/${name}`;
}

/** The named type of a stream's messages (inline records are named `<Name>Event` by the compiler). */
export function sseMessageType(sse: SseDef): string {
  if (sse.type.kind !== "ref")
    throw new Error(`sse ${sse.name}: its message type must be a named type or an inline record`);
  return sse.type.name;
}

/** An import on one line when it fits, else one name per line. */
function importLine(open: string, names: readonly string[], close: string): string {
  const flat = `${open} ${names.join(", ")} ${close}`;
  if (flat.length <= PRINT_WIDTH) return flat;
  return `${open}\n${names.map((n) => `  ${n},\n`).join("")}${close}`;
}

/** A signature on one line when it fits, else one parameter per line. */
function signature(open: string, params: readonly string[], close: string): string {
  const flat = `${open}${params.join(", ")}${close}`;
  if (flat.length <= PRINT_WIDTH) return flat;
  return `${open}\n${params.map((p) => `  ${p},\n`).join("")}${close}`;
}

function sseBlock(sse: SseDef): string {
  const t = sseMessageType(sse);
  const docs = tsDoc([
    ...sse.docs,
    ...(sse.docs.length > 0 ? [""] : []),
    `\`sse ${sse.name}\` (\`GET ${ssePath(sse.name)}\`${sse.auth === "session" ? ", session required" : ""}).`,
  ]);
  return `${docs}export const ${sse.name}Spec: SseSpec<${t}> = {
  name: ${JSON.stringify(sse.name)},
  path: ${JSON.stringify(ssePath(sse.name))},
  requiresSession: ${sse.auth === "session"},
  encode: encode${t},
  decode: decode${t},
};

/** Serves \`sse ${sse.name}\` on \`app\` (call before \`listen\`); publish through the returned stream. */
${signature(`export function serve${sse.name}(`, ["app: HamletServer", "options: SseOptions = {}"], `): SseStream<${t}> {`)}
  return serveSse(app, ${sse.name}Spec, options);
}
`;
}

/** The `sse.ts` file, or `undefined` when the schema declares no stream. */
export function sseFile(schema: Schema, header: string, runtimeImport: string): string | undefined {
  if (schema.sse.length === 0) return undefined;
  const types = [...new Set(schema.sse.map(sseMessageType))].sort();
  const codecs = types.flatMap((t) => [`decode${t}`, `encode${t}`]);
  const fields = schema.sse.map((s) => `  readonly ${s.name}: SseStream<${sseMessageType(s)}>;`).join("\n");
  const serves = schema.sse.map((s) => `    ${s.name}: serve${s.name}(app, options),`).join("\n");
  return `${header}
${importLine("import {", ["serveSse", "type HamletServer", "type SseOptions", "type SseSpec", "type SseStream"], `} from ${JSON.stringify(runtimeImport)};`)}
${importLine("import type {", types, '} from "./types.js";')}
${importLine("import {", codecs, '} from "./validators.js";')}

${schema.sse.map(sseBlock).join("\n")}
/** The publisher of every declared stream. */
export interface SseStreams {
${fields}
}

/** Serves every declared stream on \`app\` (call before \`listen\`). */
${signature("export function serveSseStreams(", ["app: HamletServer", "options: SseOptions = {}"], "): SseStreams {")}
  return {
${serves}
  };
}
`;
}
