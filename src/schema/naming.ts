/**
 * Names that emitters generate, as data. Each emitter declares, for a checked schema, every name
 * it will print into a shared namespace of its output (a "scope": the values of an Elm module, the
 * exports of a TypeScript file, the tables of a database) and the names its own code already
 * uses there (prelude helpers, keywords, runtime tables). The checker compares the two before any
 * emitter runs (src/check/generated-names.ts), so a name that would break generated code is an
 * error with a span in `hamletc check`, not a failure of `elm make`, `tsc` or `hamletc migrate`.
 */
import type { Span } from "../ast/nodes.js";
import type { Schema } from "./types.js";

/** One generated name and the schema name it comes from. */
export interface NameClaim {
  /** Key of a scope of the same rules (`elm.types-module.values`). */
  readonly scope: string;
  /** The name as it appears in the generated code. */
  readonly name: string;
  /** The schema name it was made from, as written (`get_post`). */
  readonly source: string;
  /** What the generated name is, for messages: "the Elm decoder of `Post`". */
  readonly what: string;
  readonly span: Span;
}

/** Names a scope already holds before any schema name is added. */
export interface ReservedNames {
  readonly names: ReadonlySet<string>;
  /** Why they are taken, completing "which ...": "the generated Elm code uses for Maybe values". */
  readonly why: string;
  /** Reserve every name that starts with one of these too (e.g. runtime table prefixes). */
  readonly prefixes?: readonly string[];
}

/** Where a declaration's name is written, for spans: the checker knows, the schema does not. */
export type NameSpans = (declaration: string) => Span | undefined;

export interface NamingRules {
  /** The emitter (and `[hamlet.emitters.<target>]` key) these rules belong to. */
  readonly target: string;
  /** Scope → names taken in it; a name may be reserved under several reasons. */
  readonly reserved: Readonly<Record<string, readonly ReservedNames[]>>;
  /** Every name the emitter would generate for this schema. */
  claims(schema: Schema, spans: NameSpans): NameClaim[];
}

/** The span of a declaration's name when known, else the given fallback (the whole declaration). */
export function nameSpan(spans: NameSpans, name: string, fallback: Span): Span {
  return spans(name) ?? fallback;
}
