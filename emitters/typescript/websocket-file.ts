/**
 * `websocket.ts`: per `websocket` declaration, a typed handler interface (`onConnect`,
 * `onDisconnect`, `on<Variant>` per message), its spec (path, auth, validator, max payload) and
 * `serve<Name>(app, handlers, options?)` built on runtime-node's `serveWebSocket`.
 */
import type { Constraints, EnumDef, Schema, TypeExpr, WebSocketDef } from "../../src/schema/types.js";

/** Frames of a websocket whose messages are not bounded by the schema are limited to this (64 KiB). */
export const UNBOUNDED_WEBSOCKET_PAYLOAD_BYTES = 64 * 1024;

/** Worst-case UTF-8 bytes of one JSON string character (`\u001f` is six bytes). */
const BYTES_PER_CHAR = 6;

const PRIMITIVE_BYTES: Partial<Record<string, number>> = {
  Int: 24,
  Float: 26,
  Bool: 5,
  Uuid: 38,
  Timestamp: 48,
  Date: 12,
};

/**
 * The largest JSON text a message of the enum can be, or `undefined` when the schema leaves it
 * unbounded (a `String` without `@length` max, a `List`/`Map` without a max size, `Json`, `Bytes`
 * without a max, recursion). Strings count 6 bytes per character (worst-case escaping).
 */
export function maxMessageBytes(schema: Schema, message: EnumDef): number | undefined {
  const types = new Map(schema.types.map((t) => [t.name, t]));
  const visiting = new Set<string>();

  function bound(type: TypeExpr, constraints: Constraints): number | undefined {
    switch (type.kind) {
      case "primitive":
        if (type.name === "String" || type.name === "Bytes")
          return constraints.maxLength === undefined ? undefined : 2 + BYTES_PER_CHAR * constraints.maxLength;
        return PRIMITIVE_BYTES[type.name];
      case "optional": {
        const inner = bound(type.inner, constraints);
        return inner === undefined ? undefined : Math.max(inner, 4);
      }
      case "list": {
        const element = bound(type.element, {});
        if (element === undefined || constraints.maxItems === undefined) return undefined;
        return 2 + constraints.maxItems * (element + 1);
      }
      case "map":
        return undefined;
      case "ref": {
        const def = types.get(type.name);
        if (def === undefined || visiting.has(type.name)) return undefined;
        visiting.add(type.name);
        try {
          if (def.kind === "alias") return bound(def.type, { ...def.constraints, ...constraints });
          if (def.kind === "record") return fieldsBound(def.fields);
          return enumBound(def);
        } finally {
          visiting.delete(type.name);
        }
      }
    }
  }

  function fieldsBound(
    fields: readonly { name: string; type: TypeExpr; constraints: Constraints }[],
    extra = 0,
  ): number | undefined {
    let total = 2 + extra;
    for (const field of fields) {
      const value = bound(field.type, field.constraints);
      if (value === undefined) return undefined;
      total += field.name.length + 4 + value;
    }
    return total;
  }

  function enumBound(def: EnumDef): number | undefined {
    let max = 0;
    for (const variant of def.variants) {
      const tag = variant.name.length + 9; // "tag":"…",
      const size = def.plain ? variant.name.length + 2 : fieldsBound(variant.fields, tag);
      if (size === undefined) return undefined;
      max = Math.max(max, size);
    }
    return max;
  }

  return enumBound(message);
}

/** The frame limit of a websocket: the schema's bound rounded up to 1 KiB, or 64 KiB when unbounded. */
export function maxPayloadBytes(schema: Schema, message: EnumDef): number {
  const bytes = maxMessageBytes(schema, message);
  return bytes === undefined ? UNBOUNDED_WEBSOCKET_PAYLOAD_BYTES : Math.ceil(bytes / 1024) * 1024;
}

const PRINT_WIDTH = 100;

/** A signature on one line when it fits in 100 columns, else one parameter per line (Prettier's layout). */
function signature(open: string, params: readonly string[], close: string, indent: string): string {
  const flat = `${open}${params.join(", ")}${close}`;
  if (flat.length <= PRINT_WIDTH) return flat;
  return `${open}\n${params.map((p) => `${indent}  ${p},\n`).join("")}${indent}${close}`;
}

function websocketBlock(schema: Schema, ws: WebSocketDef): string {
  const message = schema.types.find((t): t is EnumDef => t.kind === "enum" && t.name === ws.message);
  if (message === undefined) throw new Error(`websocket ${ws.name}: its message enum is missing`);
  const m = ws.message;
  const emits = ws.emits.length > 0;
  // With `@emits`, every handler call gets the typed `emit` of exactly the declared events.
  const ctx = emits ? `${ws.name}Context` : `ConnectionContext<${m}>`;
  const wrap = (call: string): string => (emits ? `withConnectionEmit(context, (c) => ${call})` : call);
  const arg = emits ? "emitting(c)" : "context";
  const methods = message.variants
    .map(
      (v) =>
        `  /** A valid \`${v.name}\` frame from this connection. */\n` +
        signature(
          `  on${v.name}(`,
          [`message: Extract<${m}, { tag: "${v.name}" }>`, `context: ${ctx}`],
          "): void | Promise<void>;",
          "  ",
        ),
    )
    .join("\n");
  const cases = message.variants
    .map((v) => `          case "${v.name}":\n            return handlers.on${v.name}(message, ${arg});`)
    .join("\n");
  const contextType = emits
    ? `/** What handlers of \`websocket ${ws.name}\` get: the connection, and \`emit\` for ${ws.emits.map((e) => `\`${e}\``).join(", ")} in one transaction per call. */
export type ${ws.name}Context = ConnectionContext<${m}> & EmitsContext<${ws.emits.map((e) => JSON.stringify(e)).join(" | ")}>;

`
    : "";
  const onMessage = emits
    ? `      onMessage: (message, context) =>
        withConnectionEmit(context, (c) => {
          switch (message.tag) {
${cases.replace(/^/gm, "  ")}
          }
        }),`
    : `      onMessage: (message, context) => {
        switch (message.tag) {
${cases}
        }
      },`;
  return `${contextType}/** Handlers of \`websocket ${ws.name}\` (\`${ws.path}\`); each call gets a context that sends typed messages. */
export interface ${ws.name}Handlers {
  /** A connection was accepted (its session and tenant are on the context). */
  onConnect?(context: ${ctx}): void | Promise<void>;
  /** A connection closed (\`code\` is the WebSocket close code). */
  onDisconnect?(context: ${ctx}, code: number): void | Promise<void>;
${methods}
}

/** Path, authentication, validator and frame limit of \`websocket ${ws.name}\`. */
export const ${ws.name}Spec: WebSocketSpec<${m}> = {
  name: ${JSON.stringify(ws.name)},
  path: ${JSON.stringify(ws.path)},
  requiresSession: ${ws.auth === "session"},
  decode: decode${m},
  maxPayloadBytes: ${maxPayloadBytes(schema, message)},
};

/** Serves \`websocket ${ws.name}\` on \`app\` (call before \`listen\`). */
${signature(
  `export function serve${ws.name}(`,
  ["app: HamletServer", `handlers: ${ws.name}Handlers`, "options: WebSocketOptions = {}"],
  `): WebSocketRoute<${m}> {`,
  "",
)}
  return serveWebSocket<${m}>(
    app,
    ${ws.name}Spec,
    {
      onConnect: (context) => ${wrap(`handlers.onConnect?.(${arg})`)},
      onDisconnect: (context, code) => ${wrap(`handlers.onDisconnect?.(${arg}, code)`)},
${onMessage}
    },
    options,
  );
}
`;
}

const RUNTIME_IMPORTS = [
  "serveWebSocket",
  "type ConnectionContext",
  "type HamletServer",
  "type WebSocketOptions",
  "type WebSocketRoute",
  "type WebSocketSpec",
];

/** An import on one line when it fits, else one name per line. */
function importLine(open: string, names: readonly string[], close: string): string {
  const flat = `${open} ${names.join(", ")} ${close}`;
  if (flat.length <= PRINT_WIDTH) return flat;
  return `${open}\n${names.map((n) => `  ${n},\n`).join("")}${close}`;
}

/** The `websocket.ts` file, or `undefined` when the schema declares no websocket. */
export function websocketFile(schema: Schema, header: string, runtimeImport: string): string | undefined {
  if (schema.websockets.length === 0) return undefined;
  const messages = [...new Set(schema.websockets.map((w) => w.message))];
  const emits = schema.websockets.some((w) => w.emits.length > 0);
  const runtime = emits
    ? [...RUNTIME_IMPORTS.slice(0, 1), "withConnectionEmit", ...RUNTIME_IMPORTS.slice(1)]
    : RUNTIME_IMPORTS;
  const events = emits ? `import { emitting, type EmitsContext } from "./events.js";\n` : "";
  return `${header}
${importLine("import {", runtime, `} from ${JSON.stringify(runtimeImport)};`)}
${events}${importLine("import type {", messages, '} from "./types.js";')}
${importLine(
  "import {",
  messages.map((m) => `decode${m}`),
  '} from "./validators.js";',
)}

${schema.websockets.map((ws) => websocketBlock(schema, ws)).join("\n")}`;
}
