/**
 * Incremental checking: the lowering of each declaration is kept between checks (watch mode, the
 * language server) with what it read from the checker's shared state, and replayed instead of
 * redone when the declaration is the same parsed node and everything it read is unchanged.
 *
 * A lowering reads and writes only the check context's maps (symbols, types, alias targets and
 * constraints, type order), its diagnostics, the output lists and the pending model references.
 * The maps of a memoized check record every key a lowering reads (or that it iterated a whole
 * map) and every key it writes; the rest is captured as what it appended. Replaying is sound
 * because a lowering is a function of its declaration and of those reads: when each read gives
 * the same value (the same object: replayed results are the cached objects, so an unchanged
 * declaration keeps its identity and its dependents stay valid), the lowering would write the
 * same things. Whatever an edit touches gets new parsed nodes (the parse cache keeps the others),
 * so it is lowered again, and so is every declaration that read something it changed: a
 * body-only edit of one declaration re-lowers that declaration and the ones that use its type.
 */
import type * as ast from "../ast/nodes.js";
import type { LoweringReuse } from "../check/check.js";
import { createContext, type CheckContext, type SymbolInfo } from "../check/context.js";
import type { PendingReference } from "../check/lower-model.js";
import type { Output } from "../check/output.js";
import type { Diagnostic } from "../diagnostics/types.js";
import type { NamingRules } from "../schema/naming.js";
import type { Features, Schema, TypeDef, TypeExpr } from "../schema/types.js";

type Role = "symbols" | "types" | "aliasTargets" | "aliasDefs" | "typeOrder";

type Read =
  | { readonly role: Role; readonly key: string; readonly value: unknown }
  | { readonly role: Role; readonly all: readonly (readonly [string, unknown])[] };

interface Write {
  readonly role: Role;
  readonly key: string;
  readonly value: unknown;
}

interface Lowered {
  readonly reads: readonly Read[];
  readonly writes: readonly Write[];
  readonly diagnostics: readonly Diagnostic[];
  readonly out: readonly (readonly [keyof Output, readonly unknown[]])[];
  readonly pending: readonly PendingReference[];
  /** The models lowered before a model (it compares its table with theirs). */
  readonly modelsBefore: readonly unknown[] | undefined;
}

const rawGet = Map.prototype.get;
const rawSet = Map.prototype.set;
const rawEntries = Map.prototype.entries;
const rawSize = Object.getOwnPropertyDescriptor(Map.prototype, "size")!.get!;

/** What one lowering read and wrote. */
class Recording {
  readonly reads: Read[] = [];
  readonly writes: Write[] = [];
  readonly #seen = new Set<string>();

  read(map: TrackedMap<unknown>, key: string, value: unknown): void {
    const id = `${map.role}\0${key}`;
    if (this.#seen.has(id)) return; // first read, or a key this lowering wrote itself
    this.#seen.add(id);
    this.reads.push({ role: map.role, key, value });
  }

  readAll(map: TrackedMap<unknown>): void {
    const id = `${map.role}\0*`;
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    this.reads.push({ role: map.role, all: [...(rawEntries.call(map) as IterableIterator<[string, unknown]>)] });
  }

  write(map: TrackedMap<unknown>, key: string, value: unknown): void {
    this.#seen.add(`${map.role}\0${key}`);
    this.writes.push({ role: map.role, key, value });
  }
}

/** A map of the check context that tells the active recording what is read and written. */
class TrackedMap<V> extends Map<string, V> {
  recording: Recording | undefined;
  constructor(readonly role: Role) {
    super();
  }
  override get(key: string): V | undefined {
    const value = super.get(key);
    this.recording?.read(this as TrackedMap<unknown>, key, value);
    return value;
  }
  override has(key: string): boolean {
    this.recording?.read(this as TrackedMap<unknown>, key, super.get(key));
    return super.has(key);
  }
  override set(key: string, value: V): this {
    this.recording?.write(this as TrackedMap<unknown>, key, value);
    return super.set(key, value);
  }
  override get size(): number {
    this.recording?.readAll(this as TrackedMap<unknown>);
    return super.size;
  }
  override keys(): MapIterator<string> {
    this.recording?.readAll(this as TrackedMap<unknown>);
    return super.keys();
  }
  override values(): MapIterator<V> {
    this.recording?.readAll(this as TrackedMap<unknown>);
    return super.values();
  }
  override entries(): MapIterator<[string, V]> {
    this.recording?.readAll(this as TrackedMap<unknown>);
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
  override forEach(callback: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    this.recording?.readAll(this as TrackedMap<unknown>);
    super.forEach(callback, thisArg);
  }
  override delete(key: string): boolean {
    // No lowering deletes; a recording cannot replay it, so it must not be cached.
    if (this.recording) throw new Error(`lowering deleted ${this.role} ${key}`);
    return super.delete(key);
  }
}

function maps(ctx: CheckContext): Record<Role, TrackedMap<unknown>> {
  return {
    symbols: ctx.symbols as TrackedMap<unknown>,
    types: ctx.types as TrackedMap<unknown>,
    aliasTargets: ctx.aliasTargets as TrackedMap<unknown>,
    aliasDefs: ctx.aliasDefs as TrackedMap<unknown>,
    typeOrder: ctx.typeOrder as TrackedMap<unknown>,
  };
}

const sameSpan = (a: ast.Span, b: ast.Span): boolean => a.file === b.file && a.start === b.start && a.end === b.end;

/** Symbols are made afresh by every check; the other maps hold lowered (hence reused) objects. */
function same(role: Role, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (role !== "symbols" || a === undefined || b === undefined) return false;
  const x = a as SymbolInfo;
  const y = b as SymbolInfo;
  return (
    x.name === y.name &&
    x.kind === y.kind &&
    x.isType === y.isType &&
    x.declaration === y.declaration &&
    sameSpan(x.span, y.span)
  );
}

const OUTPUT_LISTS: readonly (keyof Output)[] = [
  "endpoints",
  "sse",
  "websockets",
  "uploads",
  "workers",
  "events",
  "services",
  "workflows",
  "models",
  "routes",
];

/**
 * What the generated-name check can read of a declaration: everything but where it is written,
 * its docs and the values of its constraints and defaults (only whether it has them: Elm
 * validators exist for constrained types, input types and `defaultX` for defaulted fields).
 * A body edit that changes only those (the common keystroke) cannot change a generated name.
 */
function namingKey(value: unknown): string {
  return JSON.stringify(value, (key, inner: unknown) => {
    if (key === "span" || key === "docs" || key === "deprecated") return undefined;
    if (key === "constraints" && inner !== null && typeof inner === "object") return Object.keys(inner).sort();
    if (key === "default") return inner === undefined ? undefined : true;
    return inner;
  });
}

/** Lowered declarations kept between checks; one per watch session or language server. */
export class LoweringMemo implements LoweringReuse {
  /** Naming keys of kept declarations (by identity: each is computed once). */
  readonly #namingKeys = new WeakMap<object, string>();
  /** The last generated-name check that found no problem: its rules and its schema's naming key. */
  #names: { readonly naming: readonly NamingRules[]; readonly key: string } | undefined;
  #features = "";
  #targets = new WeakMap<ast.Declaration, Lowered>();
  #lowered = new WeakMap<ast.Declaration, Lowered>();
  /** Lowerings replayed and redone by the last check (for tests and measurements). */
  readonly last = { reused: 0, lowered: 0 };

  context(features: Features): CheckContext {
    const key = JSON.stringify(features);
    if (key !== this.#features) {
      this.#features = key;
      this.#targets = new WeakMap();
      this.#lowered = new WeakMap();
    }
    this.last.reused = 0;
    this.last.lowered = 0;
    return {
      ...createContext(features),
      symbols: new TrackedMap<SymbolInfo>("symbols"),
      types: new TrackedMap<TypeDef>("types"),
      aliasTargets: new TrackedMap<TypeExpr>("aliasTargets"),
      aliasDefs: new TrackedMap<TypeDef>("aliasDefs"),
      typeOrder: new TrackedMap<number>("typeOrder"),
    };
  }

  /**
   * No problem, without checking, when the last check found none with the same rules and every
   * declaration has the same naming key; otherwise `check()`. A check that found problems is
   * never reused (their spans may have moved).
   */
  generatedNames(schema: Schema, naming: readonly NamingRules[], check: () => Diagnostic[]): Diagnostic[] {
    const parts: string[] = [];
    for (const [field, value] of Object.entries(schema)) {
      parts.push(field);
      if (!Array.isArray(value)) parts.push(JSON.stringify(value));
      else
        for (const item of value as object[]) {
          let key = this.#namingKeys.get(item);
          if (key === undefined) this.#namingKeys.set(item, (key = namingKey(item)));
          parts.push(key);
        }
    }
    const key = parts.join("\n");
    const last = this.#names;
    if (
      last &&
      last.key === key &&
      last.naming.length === naming.length &&
      last.naming.every((r, i) => r === naming[i])
    )
      return [];
    const problems = check();
    this.#names = problems.length === 0 ? { naming, key } : undefined;
    return problems;
  }

  lower(
    ctx: CheckContext,
    step: "target" | "declaration",
    d: ast.Declaration,
    out: Output,
    pending: PendingReference[],
    run: () => void,
  ): void {
    const cache = step === "target" ? this.#targets : this.#lowered;
    const tracked = maps(ctx);
    const cached = cache.get(d);
    if (cached && this.#valid(cached, tracked, out)) {
      this.#replay(cached, ctx, tracked, out, pending);
      this.last.reused++;
      return;
    }
    this.last.lowered++;
    const recording = new Recording();
    const before = {
      diagnostics: ctx.diagnostics.length,
      pending: pending.length,
      out: OUTPUT_LISTS.map((list) => out[list].length),
    };
    const modelsBefore = d.kind === "Model" ? [...out.models] : undefined;
    for (const map of Object.values(tracked)) map.recording = recording;
    try {
      run();
    } finally {
      for (const map of Object.values(tracked)) map.recording = undefined;
    }
    cache.set(d, {
      reads: recording.reads,
      writes: recording.writes,
      diagnostics: ctx.diagnostics.slice(before.diagnostics),
      out: OUTPUT_LISTS.map((list, i) => [list, out[list].slice(before.out[i])] as const).filter(
        ([, added]) => added.length > 0,
      ),
      pending: pending.slice(before.pending),
      modelsBefore,
    });
  }

  #valid(cached: Lowered, tracked: Record<Role, TrackedMap<unknown>>, out: Output): boolean {
    if (cached.modelsBefore) {
      if (cached.modelsBefore.length !== out.models.length) return false;
      if (cached.modelsBefore.some((m, i) => m !== out.models[i])) return false;
    }
    for (const read of cached.reads) {
      const map = tracked[read.role];
      if ("all" in read) {
        if (read.all.length !== rawSize.call(map)) return false;
        let i = 0;
        for (const [key, value] of rawEntries.call(map) as IterableIterator<[string, unknown]>) {
          const [k, v] = read.all[i++]!;
          if (k !== key || !same(read.role, v, value)) return false;
        }
      } else if (!same(read.role, read.value, rawGet.call(map, read.key))) return false;
    }
    return true;
  }

  #replay(
    cached: Lowered,
    ctx: CheckContext,
    tracked: Record<Role, TrackedMap<unknown>>,
    out: Output,
    pending: PendingReference[],
  ): void {
    for (const write of cached.writes) {
      // A type's sort key is its declaration's position, which other edits may have moved.
      const value = write.role === "typeOrder" ? ctx.currentDeclaration : write.value;
      rawSet.call(tracked[write.role], write.key, value);
    }
    ctx.diagnostics.push(...cached.diagnostics);
    for (const [list, added] of cached.out) (out[list] as unknown[]).push(...added);
    pending.push(...cached.pending);
  }
}
