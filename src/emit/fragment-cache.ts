/**
 * Incremental emit: text an emitter printed for one schema type, kept for the next build of a
 * watch session. The checker keeps the lowered type of an unchanged declaration (the same
 * object, see src/program/lowering-memo.ts), so a fragment is reused when its type and every
 * type it reaches through references are the same objects as when it was printed: its text
 * cannot differ then. Entries go with the schema that keyed them (weak keys). Only builds that
 * keep a cache between them (`build --watch`) keep fragments: a one-shot build would never reuse
 * one, and keeping them would hold every printed fragment until the end of the build.
 */
import type { TypeDef, TypeExpr } from "../schema/types.js";

/** Printed text and the identifiers it uses (for imports and preludes that keep only what is used). */
export interface Fragment {
  readonly text: string;
  readonly names: readonly string[];
  /** What else the printing registered, in order (e.g. regular expressions hoisted to the file). */
  readonly registered: readonly string[];
}

/** What a fragment's text was printed from besides its own type (see `FragmentCache.reuseOr`). */
export interface FragmentInputs {
  /** The types `def` reaches (from `reachedTypes`), compared by identity. */
  readonly reached: readonly TypeDef[];
  /**
   * What else the printing read that the types do not determine (facts the emitter derived from
   * the whole schema about these types, such as Elm's recursion analysis); a different one is a miss.
   */
  readonly context?: string;
}

interface Entry<V> {
  readonly reached: readonly TypeDef[];
  readonly context: string;
  readonly fragment: V;
}

let keeping = false;

/** Runs `build` with fragments kept and reused (watch mode). */
export async function keepingFragments<T>(build: () => Promise<T>): Promise<T> {
  keeping = true;
  try {
    return await build();
  } finally {
    keeping = false;
  }
}

/** Fragments (`Fragment`, or whatever an emitter keeps per type) by type. */
export class FragmentCache<V = Fragment> {
  readonly #entries = new WeakMap<TypeDef, Entry<V>>();

  /**
   * The fragment printed for `def` by an earlier build when `inputs()` are what they were then
   * (and `reusable` accepts it), otherwise `print()`, kept for the next build. Outside watch
   * builds this is just `print()`: `inputs` is not called, since finding every reached type of
   * every declaration costs O(n²) on a long reference chain.
   */
  reuseOr(def: TypeDef, inputs: () => FragmentInputs, print: () => V, reusable?: (kept: V) => boolean): V {
    if (!keeping) return print();
    const { reached, context = "" } = inputs();
    const entry = this.#entries.get(def);
    if (entry && entry.context === context && sameTypes(entry.reached, reached) && (reusable?.(entry.fragment) ?? true))
      return entry.fragment;
    const fragment = print();
    this.#entries.set(def, { reached, context, fragment });
    return fragment;
  }
}

function sameTypes(a: readonly TypeDef[], b: readonly TypeDef[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function* refs(type: TypeExpr): Generator<string> {
  switch (type.kind) {
    case "primitive":
      return;
    case "list":
      yield* refs(type.element);
      return;
    case "map":
      yield* refs(type.value);
      return;
    case "optional":
      yield* refs(type.inner);
      return;
    case "ref":
      yield type.name;
  }
}

function* directRefs(def: TypeDef): Generator<string> {
  switch (def.kind) {
    case "alias":
      yield* refs(def.type);
      return;
    case "record":
      for (const f of def.fields) yield* refs(f.type);
      return;
    case "enum":
      for (const v of def.variants) for (const f of v.fields) yield* refs(f.type);
  }
}

/** The types `def` reaches through references, transitively, in a stable order (`def` excluded). */
export function reachedTypes(def: TypeDef, byName: ReadonlyMap<string, TypeDef>): TypeDef[] {
  const seen = new Set<string>([def.name]);
  const reached: TypeDef[] = [];
  const queue: TypeDef[] = [def];
  for (let current = queue.pop(); current !== undefined; current = queue.pop())
    for (const name of directRefs(current)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const target = byName.get(name);
      if (target === undefined) continue;
      reached.push(target);
      queue.push(target);
    }
  return reached;
}

/** `reachedTypes` for one schema's declarations, each found once (several caches ask for the same one). */
export function reachedTypesOnce(byName: ReadonlyMap<string, TypeDef>): (def: TypeDef) => TypeDef[] {
  const found = new Map<TypeDef, TypeDef[]>();
  return (def) => {
    let reached = found.get(def);
    if (reached === undefined) found.set(def, (reached = reachedTypes(def, byName)));
    return reached;
  };
}
