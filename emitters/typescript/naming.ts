/**
 * The names the TypeScript emitter prints, and the names its files already hold, as data for the
 * checker (src/check/generated-names.ts). `validators.ts` imports every type next to its own
 * functions and prelude, so one scope holds them all.
 */
import { declaredNames, TYPESCRIPT_GLOBALS, TYPESCRIPT_RESERVED } from "../../src/emit/typescript-names.js";
import { nameSpan, type NameClaim, type NamingRules } from "../../src/schema/naming.js";
import type { Schema } from "../../src/schema/types.js";
import { CLIENT_PRELUDE, responseName } from "./http-file.js";
import { BUILTIN_TYPE_NAMES, camel, TypeTable } from "./model.js";
import { RUNTIME_VALUES } from "./validators-file.js";

const GENERATED_FILE_NAMES = new Set([
  ...BUILTIN_TYPE_NAMES,
  // validators.ts imports these from @hamlet/runtime-node/validate.
  ...RUNTIME_VALUES,
  "Decoded",
  "Issue",
  ...declaredNames(CLIENT_PRELUDE),
  ...["registerRoutes", "serveEndpoint", "createClient", "authenticated", "fail"],
]);

/** What `websocket.ts` imports from runtime-node. */
export const WEBSOCKET_RUNTIME_IMPORTS = [
  "serveWebSocket",
  "ConnectionContext",
  "HamletServer",
  "WebSocketOptions",
  "WebSocketRoute",
  "WebSocketSpec",
  // With `@emits`: the runtime's wrapper and what events.ts provides.
  "withConnectionEmit",
  "emitting",
  "EmitsContext",
];

export const typescriptNaming: NamingRules = {
  target: "typescript",
  reserved: {
    websocket: [
      {
        names: new Set([...TYPESCRIPT_RESERVED, ...TYPESCRIPT_GLOBALS, ...WEBSOCKET_RUNTIME_IMPORTS]),
        why: "websocket.ts already declares or imports",
      },
    ],
    // The handler interface of each websocket: its connection hooks beside one method per message.
    "websocket.handlers": [
      { names: new Set(["onConnect", "onDisconnect"]), why: "its handlers already use for the connection's life" },
    ],
    module: [
      { names: TYPESCRIPT_RESERVED, why: "is a TypeScript keyword" },
      { names: TYPESCRIPT_GLOBALS, why: "is a global the generated TypeScript uses" },
      {
        names: GENERATED_FILE_NAMES,
        why: "the generated TypeScript already declares or imports",
        prefixes: ["PATTERN_"],
      },
    ],
  },
  claims(schema: Schema, spans) {
    const table = new TypeTable(schema);
    const claims: NameClaim[] = [];
    const claim = (scope: string, name: string, source: string, what: string, span: NameClaim["span"]) =>
      claims.push({ scope, name, source, what, span });
    for (const t of schema.types) {
      const span = nameSpan(spans, t.name, t.span);
      claim("module", t.name, t.name, `the TypeScript type of \`${t.name}\``, span);
      if (t.kind === "record" && table.hasDefaults(t.name))
        claim("module", `${t.name}Input`, t.name, `the TypeScript input type of \`${t.name}\``, span);
      if (t.kind === "enum") {
        const list = table.tagged(t) ? `${t.name}Tags` : `${t.name}Values`;
        claim("module", list, t.name, `the TypeScript list of \`${t.name}\`'s variants`, span);
      }
      for (const fn of ["read", "decode", "encode"])
        claim("module", `${fn}${t.name}`, t.name, `the TypeScript ${fn} function of \`${t.name}\``, span);
    }
    for (const e of schema.endpoints) {
      const span = nameSpan(spans, e.name, e.span);
      const response = responseName(e);
      if (response !== undefined && e.response?.kind !== "ref") {
        const what = `the TypeScript response type of \`${e.name}\``;
        claim("module", response, e.name, what, span);
        for (const fn of ["read", "decode", "encode"]) claim("module", `${fn}${response}`, e.name, what, span);
      }
      claim("handlers", camel(e.name), e.name, `the handler and client method of \`${e.name}\``, span);
    }
    // websocket.ts: the message enums and their decoders (imported) plus what it declares.
    for (const w of schema.websockets) {
      const span = nameSpan(spans, w.name, w.span);
      claim("websocket", w.message, w.name, `the message type of \`${w.name}\` in websocket.ts`, span);
      claim("websocket", `decode${w.message}`, w.name, `the decoder of \`${w.name}\` in websocket.ts`, span);
      const declared = [`${w.name}Handlers`, `${w.name}Spec`, `serve${w.name}`];
      if (w.emits.length > 0) declared.push(`${w.name}Context`);
      for (const name of declared) claim("websocket", name, w.name, `\`${name}\` in websocket.ts`, span);
      const message = schema.types.find((t) => t.kind === "enum" && t.name === w.message);
      for (const v of message?.kind === "enum" ? message.variants : []) {
        const what = `the handler of the message \`${w.name}.${v.name}\``;
        claim("websocket.handlers", `on${v.name}`, v.name, what, v.span);
      }
    }
    for (const u of schema.uploads) {
      const span = nameSpan(spans, u.name, u.span);
      claim("uploads.handlers", camel(u.name), u.name, `the handler of the upload \`${u.name}\` in uploads.ts`, span);
    }
    return claims;
  },
};
