/**
 * Incremental emit: what an emitter printed, kept for the next build of a watch session. The
 * checker keeps the lowered form of an unchanged declaration (the same object, see
 * src/program/lowering-memo.ts), so printed text is reused when everything it was printed from
 * is the same objects as then: its text cannot differ. Two depths share this:
 * - whole files (`reuseFile`), kept per session in an `EmitMemo` that `emitEach` (run.ts) makes
 *   current while an emitter runs, keyed by emitter and file, with the declarations the file
 *   reads (`declarationInputs`);
 * - one schema type's text inside a file that prints every type (`FragmentCache`), kept by type
 *   (weak keys: entries go with the schema that keyed them), or one endpoint's (OpenAPI
 *   operations, Elm endpoint functions);
 * - a file's last string when the pieces it is printed from are equal text (`reuseText`), so the
 *   writer sees the same string and need not compare it;
 * - the joined text of runs of a file's pieces (`joinKept`), so a large file of which one piece
 *   changed is not joined again from every piece.
 * Only builds that keep a memo between them (`build --watch`) keep anything: a one-shot build
 * would never reuse it, and keeping it would hold every printed text until the end of the build.
 */
import type { Schema, TypeDef, TypeExpr } from "../schema/types.js";

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

/** What the builds of one watch session printed, per emitter and file. */
export class EmitMemo {
  readonly #files = new Map<string, { readonly inputs: readonly unknown[]; readonly value: unknown }>();
  /** Files reused and printed by the last build (for tests and measurements). */
  readonly last = { reused: 0, printed: 0 };
  /** Pieces reused and printed by the last build, per named `FragmentCache` (for tests and measurements). */
  readonly pieces = new Map<string, { reused: number; printed: number }>();

  /** Starts a build: resets the counts. */
  begin(): void {
    this.last.reused = 0;
    this.last.printed = 0;
    this.pieces.clear();
    this.#joined = [];
  }

  /** The texts `joinKept` gave in this build, with the flat pieces each is the concatenation of. */
  #joined: { readonly text: string; readonly pieces: readonly string[] }[] = [];

  /** Records a text made of `pieces` (`joinKept`). */
  joined(text: string, pieces: readonly string[]): void {
    this.#joined.push({ text, pieces });
  }

  /**
   * Flat strings whose concatenation is `content`, when a `joinKept` of this build gave it (the
   * writer writes them instead of flattening the text); otherwise `undefined`.
   */
  piecesOf(content: string): readonly string[] | undefined {
    // Equal length first: comparing two long texts of different ropes would copy both.
    for (const j of this.#joined) if (j.text.length === content.length && j.text === content) return j.pieces;
    return undefined;
  }

  /** Counts a piece of the cache `name` reused or printed. */
  countPiece(name: string, reused: boolean): void {
    let count = this.pieces.get(name);
    if (count === undefined) this.pieces.set(name, (count = { reused: 0, printed: 0 }));
    if (reused) count.reused++;
    else count.printed++;
  }

  reuseOr<T>(key: string, inputs: readonly unknown[], print: () => T): T {
    const entry = this.#files.get(key);
    if (entry && sameValues(entry.inputs, inputs)) {
      this.last.reused++;
      return entry.value as T;
    }
    this.last.printed++;
    const value = print();
    this.#files.set(key, { inputs, value });
    return value;
  }
}

/** What `reuseText` printed last, per emitter and key: the pieces it was printed from, and the text. */
const keptTexts = new WeakMap<EmitMemo, Map<string, { readonly parts: readonly string[]; readonly text: string }>>();

/** The memo of the emitter now running in a watch build (set by `emittingWith`), and its name. */
let current: { readonly memo: EmitMemo; readonly emitter: string } | undefined;

/** Runs one emitter with `memo` current (run.ts), so its `reuseFile` calls and fragment caches keep text. */
export async function emittingWith<T>(memo: EmitMemo | undefined, emitter: string, run: () => Promise<T>): Promise<T> {
  if (memo === undefined) return run();
  const outer = current;
  current = { memo, emitter };
  try {
    return await run();
  } finally {
    current = outer;
  }
}

/**
 * The value `print()` gave for `key` (a file path, or any name unique within the emitter) in the
 * previous build of this watch session when `inputs()` are the same values (===, in order) as
 * then; otherwise `print()`, kept for the next build. Outside watch builds just `print()`:
 * `inputs` is not called. `inputs` must hold everything the printing reads: the declarations
 * (see `declarationInputs`) and any option or derived fact, as a primitive or a kept object.
 */
export function reuseFile<T>(key: string, inputs: () => readonly unknown[], print: () => T): T {
  if (current === undefined) return print();
  return current.memo.reuseOr(`${current.emitter}\0${key}`, inputs(), print);
}

/**
 * `print()`, or in a watch build the very string it gave for `key` last time when `parts` (the
 * pieces of text it is printed from, lines or blocks of lines without a NUL, in order) are equal strings to
 * those then. A piece printed again with the same text (its declaration changed in a way this
 * file does not show) then leaves the file the same string object, which the writer recognises
 * without comparing the whole text (`OutputMemory.holds`; comparing a joined module of hundreds of
 * kilobytes cost milliseconds). `parts` must determine the text.
 */
export function reuseText(key: string, parts: readonly (string | readonly string[])[], print: () => string): string {
  if (current === undefined) return print();
  const flat: string[] = [];
  for (const part of parts)
    if (typeof part === "string") flat.push(part);
    else {
      flat.push(`\0${part.length}`); // where a block starts and its length: no two splits look alike
      for (const line of part) flat.push(line);
    }
  const { map: texts, fullKey } = keptIn(keptTexts, current, key);
  const kept = texts.get(fullKey);
  if (kept !== undefined && sameValues(kept.parts, flat)) return kept.text;
  const text = print();
  texts.set(fullKey, { parts: flat, text });
  return text;
}

/** The map `kept` holds for the running watch session (made when missing) and `key` made unique across emitters. */
function keptIn<V>(
  kept: WeakMap<EmitMemo, Map<string, V>>,
  running: { readonly memo: EmitMemo; readonly emitter: string },
  key: string,
): { map: Map<string, V>; fullKey: string } {
  let map = kept.get(running.memo);
  if (map === undefined) kept.set(running.memo, (map = new Map()));
  return { map, fullKey: `${running.emitter}\0${key}` };
}

/**
 * `items` in chunks of `JOIN_CHUNK`, each the chunk at its position in `before` when that one
 * holds the same items (===, so kept pieces and name lists compare for nothing), otherwise
 * `make(slice)`; and how many were reused.
 */
function keptChunks<T, C extends { readonly items: readonly T[] }>(
  items: readonly T[],
  before: readonly C[],
  make: (slice: readonly T[]) => C,
): { chunks: C[]; reused: number } {
  const chunks: C[] = [];
  let reused = 0;
  for (let start = 0; start < items.length; start += JOIN_CHUNK) {
    const end = Math.min(items.length, start + JOIN_CHUNK);
    const old = before[chunks.length];
    if (old !== undefined && old.items.length === end - start && sameRange(old.items, items, start)) {
      chunks.push(old);
      reused++;
    } else chunks.push(make(items.slice(start, end)));
  }
  return { chunks, reused };
}

/** Parts per kept chunk of `joinKept`: small enough that a changed part re-joins little, large enough that the pieces are few. */
const JOIN_CHUNK = 128;

interface KeptChunk {
  /** The parts. */
  readonly items: readonly string[];
  /** The parts joined. */
  readonly text: string;
  /** The parts joined and the separator after them (made when the chunk is not the last). */
  followed?: string;
}

interface KeptJoin {
  readonly separator: string;
  readonly chunks: readonly KeptChunk[];
  /** The joined text: the pieces concatenated (a rope of a few hundred flat strings, not copied). */
  readonly text: string;
  readonly pieces: readonly string[];
}

/** What `joinKept` joined last, per emitter and key. */
const keptJoins = new WeakMap<EmitMemo, Map<string, KeptJoin>>();

/**
 * `parts.join(separator)`; in a watch build joined a chunk of parts at a time, each chunk's text
 * kept for the next build and reused while its parts are the same strings (pointer-equal for the
 * pieces fragment caches keep, so comparing them costs nothing). The text is the chunks'
 * concatenation, which V8 keeps as a rope of them: nothing is copied until someone reads the text
 * through, and the writer does not (it writes the chunks, `EmitMemo.piecesOf`). Joining 1.5 MB
 * from 40,000 pieces took milliseconds, and flattening it again as long. When no chunk changed
 * it is the very string of last time, which the writer recognises without comparing. `key`
 * names the file within the emitter.
 */
export function joinKept(key: string, parts: readonly string[], separator: string): string {
  if (current === undefined || parts.length <= JOIN_CHUNK) return parts.join(separator);
  const { map: joins, fullKey } = keptIn(keptJoins, current, key);
  const before = joins.get(fullKey);
  const previous = before?.separator === separator ? before.chunks : [];
  const { chunks, reused } = keptChunks<string, KeptChunk>(parts, previous, (slice) => ({
    items: slice,
    text: slice.join(separator),
  }));
  let kept: KeptJoin;
  if (before !== undefined && reused === chunks.length && previous.length === chunks.length) kept = before;
  else {
    const last = chunks.length - 1;
    const pieces = chunks.map((c, i) => (i === last ? c.text : (c.followed ??= [...c.items, ""].join(separator))));
    let text = pieces[0]!;
    for (let i = 1; i < pieces.length; i++) text += pieces[i]!;
    kept = { separator, chunks, text, pieces };
  }
  joins.set(fullKey, kept);
  current.memo.joined(kept.text, kept.pieces);
  return kept.text;
}

/** What `unionKept` found last, per emitter and key: each chunk's lists and their union. */
const keptUnions = new WeakMap<EmitMemo, Map<string, readonly KeptUnion[]>>();

interface KeptUnion {
  /** The name lists. */
  readonly items: readonly (readonly string[])[];
  readonly names: ReadonlySet<string>;
}

/**
 * The names of `lists`, as sets whose union they are. In a watch build a chunk of lists keeps its
 * set for the next build while its lists are the same arrays (the kept fragments' name lists), so
 * a file of thousands of kept statements does not add every statement's names again.
 */
export function unionKept(key: string, lists: readonly (readonly string[])[]): readonly ReadonlySet<string>[] {
  const chunk = (part: readonly (readonly string[])[]): ReadonlySet<string> => {
    const names = new Set<string>();
    for (const list of part) for (const name of list) names.add(name);
    return names;
  };
  if (current === undefined) return [chunk(lists)];
  const { map: unions, fullKey } = keptIn(keptUnions, current, key);
  const { chunks } = keptChunks<readonly string[], KeptUnion>(lists, unions.get(fullKey) ?? [], (part) => ({
    items: part,
    names: chunk(part),
  }));
  unions.set(fullKey, chunks);
  return chunks.map((c) => c.names);
}

function sameRange<T>(kept: readonly T[], parts: readonly T[], start: number): boolean {
  for (let i = 0; i < kept.length; i++) if (kept[i] !== parts[start + i]) return false;
  return true;
}

/**
 * The inputs of a file printed from `declarations` (endpoints, streams, workers...): the
 * declarations themselves, every schema type reached from a type they name (through a
 * `TypeExpr` or a name-valued field; over-approximated by any string equal to a type's name),
 * the names of all types (so a check such as "is this generated name taken" stays covered),
 * the package and the features.
 */
export function declarationInputs(schema: Schema, declarations: readonly (readonly object[])[]): unknown[] {
  const inputs: unknown[] = [schema.package, schema.features.database, schema.features.eventStore, allNames(schema)];
  for (const list of declarations) {
    inputs.push(list.length);
    for (const declaration of list) inputs.push(declaration);
  }
  for (const def of declarationTypes(schema, declarations)) inputs.push(def);
  return inputs;
}

/**
 * Every schema type reached from a type `declarations` name (through a `TypeExpr` or a
 * name-valued field; over-approximated by any string equal to a type's name), each once, in a
 * stable order.
 */
export function declarationTypes(schema: Schema, declarations: readonly (readonly object[])[]): TypeDef[] {
  const byName = typesByName(schema);
  const named: TypeDef[] = [];
  const seen = new Set<string>();
  for (const list of declarations)
    for (const declaration of list)
      for (const name of stringsIn(declaration)) {
        const def = byName.get(name);
        if (def !== undefined && !seen.has(name)) {
          seen.add(name);
          named.push(def);
        }
      }
  // What each named type reaches, from the per-type memo every emitter shares.
  const direct = named.length;
  for (let i = 0; i < direct; i++)
    for (const target of reachedTypes(named[i]!, byName))
      if (!seen.has(target.name)) {
        seen.add(target.name);
        named.push(target);
      }
  return named;
}

/** The strings found in a declaration (spans and docs left out), kept per declaration object. */
const stringsOf = new WeakMap<object, readonly string[]>();

/**
 * Every string in `declaration` (where type names are; spans and docs left out), found once per
 * declaration object: an unchanged declaration is the same object in the next watch build.
 */
function stringsIn(declaration: object): readonly string[] {
  let found = stringsOf.get(declaration);
  if (found !== undefined) return found;
  const strings = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === "string") strings.add(value);
    else if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value !== null && typeof value === "object")
      for (const [key, inner] of Object.entries(value)) if (key !== "span" && key !== "docs") visit(inner);
  };
  visit(declaration);
  stringsOf.set(declaration, (found = [...strings]));
  return found;
}

const byNameOf = new WeakMap<Schema, Map<string, TypeDef>>();
const namesOf = new WeakMap<Schema, string>();

/** The schema's types by name, built once per schema (weak keys) for every emitter that asks. */
export function typesByName(schema: Schema): ReadonlyMap<string, TypeDef> {
  let byName = byNameOf.get(schema);
  if (byName === undefined) byNameOf.set(schema, (byName = new Map(schema.types.map((t) => [t.name, t]))));
  return byName;
}

function allNames(schema: Schema): string {
  let names = namesOf.get(schema);
  if (names === undefined) namesOf.set(schema, (names = schema.types.map((t) => t.name).join(",")));
  return names;
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Fragments (`Fragment`, or whatever an emitter keeps per type) by type (or another kept declaration). */
export class FragmentCache<V = Fragment, K extends object = TypeDef> {
  readonly #entries = new WeakMap<K, Entry<V>>();

  /** `name` (optional) counts this cache's pieces in `EmitMemo.pieces`. */
  constructor(readonly name?: string) {}

  /**
   * The fragment printed for `def` by an earlier build when `inputs()` are what they were then
   * (and `reusable` accepts it), otherwise `print()`, kept for the next build. Outside watch
   * builds this is just `print()`: `inputs` is not called, since finding every reached type of
   * every declaration costs O(n²) on a long reference chain.
   */
  reuseOr(def: K, inputs: () => FragmentInputs, print: () => V, reusable?: (kept: V) => boolean): V {
    if (current === undefined) return print();
    const { reached, context = "" } = inputs();
    const entry = this.#entries.get(def);
    if (
      entry &&
      entry.context === context &&
      sameValues(entry.reached, reached) &&
      (reusable?.(entry.fragment) ?? true)
    ) {
      if (this.name !== undefined) current.memo.countPiece(this.name, true);
      return entry.fragment;
    }
    if (this.name !== undefined) current.memo.countPiece(this.name, false);
    const fragment = print();
    this.#entries.set(def, { reached, context, fragment });
    return fragment;
  }
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

/**
 * What `reachedTypes` found for a type (weak keys): kept when every name it looked up resolved,
 * so a later call with the same `def` can check the result instead of searching again.
 */
const reachedBefore = new WeakMap<TypeDef, TypeDef[]>();

/**
 * The types `def` reaches through references, transitively, in a stable order (`def` excluded).
 * The search reads only `def`, the types it reaches and the names they mention, so when `def` and
 * each type found last time are the same objects under their names in `byName`, the result is
 * the same (every watch build asks this of every type, for several emitters).
 */
export function reachedTypes(def: TypeDef, byName: ReadonlyMap<string, TypeDef>): TypeDef[] {
  const before = reachedBefore.get(def);
  if (before !== undefined && before.every((t) => byName.get(t.name) === t)) return before;
  const seen = new Set<string>([def.name]);
  const reached: TypeDef[] = [];
  const queue: TypeDef[] = [def];
  let resolved = true;
  for (let current = queue.pop(); current !== undefined; current = queue.pop())
    for (const name of directRefs(current)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const target = byName.get(name);
      if (target === undefined) {
        resolved = false; // another map could resolve it: not kept
        continue;
      }
      reached.push(target);
      queue.push(target);
    }
  if (resolved) reachedBefore.set(def, reached);
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
