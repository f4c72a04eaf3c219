/**
 * The names the Elm emitter prints into each generated module, and the names those modules
 * already use, as data for the checker (src/check/generated-names.ts). The naming functions are
 * the emitter's own (./names.ts), so what is checked is exactly what is printed.
 */
import { nameSpan, type NameClaim, type NamingRules, type ReservedNames } from "../../src/schema/naming.js";
import type { RecordDef, Schema } from "../../src/schema/types.js";
import { buildContext } from "./context.js";
import { helperNames } from "./helpers.js";
import {
  decoderName,
  defaultName,
  ELM_KEYWORDS,
  encoderName,
  endpointName,
  toStringName,
  typeName,
  validateAtName,
  validateName,
} from "./names.js";
import { UPLOADS_MODULE_VALUES, uploadFunctionNames } from "./uploads-module.js";
import { constrainedTypes } from "./validate-module.js";

/** Types every Elm module sees without importing (Basics, List, Maybe, Result, String, Char, Platform). */
const DEFAULT_TYPES: ReservedNames = {
  names: new Set([
    "Int",
    "Float",
    "Bool",
    "Order",
    "Never",
    "List",
    "Maybe",
    "Result",
    "String",
    "Char",
    "Program",
    "Cmd",
    "Sub",
  ]),
  why: "is a type every Elm module imports by default",
};

/** Constructors the generated code uses unqualified (`Just`, `Ok`, `True`, ...). */
const DEFAULT_CONSTRUCTORS: ReservedNames = {
  names: new Set(["Just", "Nothing", "Ok", "Err", "True", "False", "LT", "EQ", "GT"]),
  why: "is a constructor of Elm's core library that the generated code uses",
};

const HELPERS: ReservedNames = {
  names: new Set(helperNames),
  why: "is a helper function of the generated module",
};

/** Functions of Basics and friends the generated modules may call unqualified. */
const DEFAULT_VALUES: ReservedNames = {
  names: new Set([
    ...ELM_KEYWORDS,
    "identity",
    "always",
    "never",
    "not",
    "xor",
    "min",
    "max",
    "compare",
    "round",
    "floor",
    "ceiling",
    "truncate",
    "toFloat",
    "abs",
    "clamp",
    "negate",
    "sqrt",
    "modBy",
    "remainderBy",
    "isNaN",
    "isInfinite",
    "logBase",
    "e",
    "pi",
    "cos",
    "sin",
    "tan",
    "acos",
    "asin",
    "atan",
    "atan2",
    "degrees",
    "radians",
    "turns",
    "fromPolar",
    "toPolar",
    "append",
  ]),
  why: "is an Elm keyword or a function every Elm module imports by default",
};

/** Mirrors `defaultFunction` in ./types-module.ts: which records get `defaultX`. */
function hasDefaultFunction(def: RecordDef): boolean {
  const isRequest = def.origin.kind === "part" && def.origin.role === "request";
  return def.fields.some((f) => f.default !== undefined || (isRequest && f.type.kind === "optional"));
}

export const elmNaming: NamingRules = {
  target: "elm",
  reserved: {
    "types.types": [DEFAULT_TYPES],
    "types.constructors": [DEFAULT_CONSTRUCTORS],
    "types.values": [HELPERS, DEFAULT_VALUES],
    "validate.values": [HELPERS, DEFAULT_VALUES],
    "endpoints.values": [HELPERS, DEFAULT_VALUES],
    "uploads.values": [
      HELPERS,
      DEFAULT_VALUES,
      { names: new Set(UPLOADS_MODULE_VALUES), why: "Uploads.elm already declares for every upload" },
    ],
  },
  claims(schema: Schema, spans) {
    const ctx = buildContext(schema);
    const claims: NameClaim[] = [];
    const claim = (scope: string, name: string, source: string, what: string, span: NameClaim["span"]) =>
      claims.push({ scope, name, source, what, span });
    for (const t of schema.types) {
      const span = nameSpan(spans, t.name, t.span);
      const type = typeName(t.name);
      claim("types.types", type, t.name, `the Elm type of \`${t.name}\``, span);
      if (t.kind === "record" || ctx.wrapped.has(t.name))
        claim("types.constructors", type, t.name, `the Elm constructor of \`${t.name}\``, span);
      claim("types.values", decoderName(t.name), t.name, `the Elm decoder of \`${t.name}\``, span);
      claim("types.values", encoderName(t.name), t.name, `the Elm encoder of \`${t.name}\``, span);
      if (t.kind === "record" && hasDefaultFunction(t))
        claim("types.values", defaultName(t.name), t.name, `the Elm default of \`${t.name}\``, span);
      if (t.kind === "enum") {
        if (t.plain) claim("types.values", toStringName(t.name), t.name, `\`${t.name}\`'s Elm toString`, span);
        const ctors = ctx.variants.get(t.name);
        for (const v of t.variants) {
          const ctor = ctors?.get(v.name) ?? typeName(v.name);
          claim("types.constructors", ctor, v.name, `the Elm constructor of \`${t.name}.${v.name}\``, v.span);
        }
      }
    }
    for (const name of constrainedTypes(ctx)) {
      const t = ctx.types.get(name);
      if (!t) continue;
      const span = nameSpan(spans, t.name, t.span);
      claim("validate.values", validateName(t.name), t.name, `the Elm validator of \`${t.name}\``, span);
      claim("validate.values", validateAtName(t.name), t.name, `the Elm validator of \`${t.name}\``, span);
    }
    for (const ep of schema.endpoints) {
      const span = nameSpan(spans, ep.name, ep.span);
      const fn = endpointName(ep.name);
      const what = `the Elm request function of \`${ep.name}\``;
      claim("endpoints.values", fn, ep.name, what, span);
      claim("endpoints.values", `${fn}Task`, ep.name, what, span);
      claim("endpoints.values", `${fn}Url`, ep.name, what, span);
    }
    for (const u of schema.uploads) {
      const span = nameSpan(spans, u.name, u.span);
      const what = `the Elm functions of the upload \`${u.name}\``;
      for (const fn of uploadFunctionNames(u.name)) claim("uploads.values", fn, u.name, what, span);
    }
    return claims;
  },
};
