/**
 * The emitter plugin interface. An emitter has a name, an options schema (unknown options are
 * errors), its own diagnostics, and `emit`, which turns a checked schema into files.
 * Emitters compute in TypeScript and return text; they never write to disk themselves.
 */
import type { Diagnostic } from "../diagnostics/types.js";
import type { Schema } from "../schema/types.js";

export type OptionValue = string | number | boolean;

export interface OptionSpec<V extends OptionValue = OptionValue> {
  readonly type: V extends string ? "string" : V extends number ? "number" : "boolean";
  readonly default: V;
  readonly description: string;
  /** Allowed values for a string option. */
  readonly choices?: readonly string[];
  /**
   * A rule the value must follow beyond its type: returns what it must be ("an Elm module name
   * such as `Api`") when it does not, so a bad option is HAM0802 on its hamlet.toml line.
   * (A method, so that an emitter with typed options still fits the registry's `AnyEmitter`.)
   */
  check?(value: V): string | undefined;
}

export type OptionsSchema<O> = { readonly [K in keyof O]: OptionSpec<O[K] & OptionValue> };

export interface EmittedFile {
  /** Path relative to the emitter's own output folder, with `/` separators. */
  readonly path: string;
  readonly content: string;
}

export interface EmitContext<O> {
  readonly options: O;
  /**
   * A file this emitter wrote in an earlier build (path relative to its output folder), or
   * `undefined`. For emitters whose output depends on history, such as numbered migrations.
   */
  readExisting(path: string): string | undefined;
  /** Files under a folder of this emitter's earlier output, relative to its output folder, sorted. */
  listExisting(folder: string): string[];
  /** Reports an emitter diagnostic (codes HAM08xx); an error fails the build. */
  report(diagnostic: Diagnostic): void;
}

export interface Emitter<O extends Record<string, OptionValue> = Record<string, OptionValue>> {
  /** Also the key in `[hamlet.emitters.<name>]`. */
  readonly name: string;
  readonly description: string;
  /** Sub-folder of the output folder it writes into. */
  readonly outDir: string;
  readonly options: OptionsSchema<O>;
  emit(schema: Schema, context: EmitContext<O>): Promise<readonly EmittedFile[]> | readonly EmittedFile[];
}

/** Identity helper that keeps an emitter's option types. */
export function defineEmitter<O extends Record<string, OptionValue>>(emitter: Emitter<O>): Emitter<O> {
  return emitter;
}

/** An emitter whose option types are erased, for the registry. */
export type AnyEmitter = Emitter<Record<string, OptionValue>>;
