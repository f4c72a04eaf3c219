/**
 * A generated TypeScript file, after protobuf-es's `GeneratedFile`: code asks for an imported
 * name with `import(...)`, which records it and returns the name to print; the import block is
 * written at the top when the file is printed, with exactly the names the code used.
 * Top-level statements are layout documents (src/emit/doc.ts) printed at `printWidth` columns
 * as soon as they are added (a line never fits across a top-level statement, so each prints
 * alone and its document is garbage right away: memory stays small on large schemas),
 * separated by one blank line; fixed text already in its final layout goes in as it is.
 */
import { hardline, join, printDoc, type Doc } from "./doc.js";
import { joinKept, unionKept } from "./fragment-cache.js";
import { collectAfterLargeText } from "./large-text.js";
import { collectNames, type Prelude } from "./prelude.js";
import { importDecl } from "./ts-syntax.js";

interface ImportedModule {
  readonly from: string;
  /** `import type { ... }`: every name is a type. */
  readonly typeOnly: boolean;
  /** Name -> imported as a type inside a value import (`type X`). */
  readonly names: Map<string, boolean>;
}

export const PRINT_WIDTH = 100;

export class TsFile {
  readonly #modules: ImportedModule[] = [];
  /** Printed statements. */
  readonly #chunks: string[] = [];
  /** Their total length. */
  #length = 0;
  /** Identifiers the printed statements use (for `importIfUsed` and the prelude). */
  readonly #used = new Set<string>();
  readonly #candidates: { name: string; from: string; type: boolean }[] = [];
  #prelude: Prelude | undefined;
  readonly #reexports: string[] = [];
  #keptAs: string | undefined;
  /** Name lists of kept statements (`useNames`), added to `#used` when the file is printed. */
  readonly #nameLists: (readonly string[])[] = [];

  /** `header` is the first comment line(s), printed before the imports. */
  constructor(readonly header: string) {}

  /**
   * Declares an import source; the order of declaration is the order of the import block.
   * `typeOnly` modules are written as `import type { ... }`.
   */
  module(from: string, typeOnly = false): this {
    if (!this.#modules.some((m) => m.from === from && m.typeOnly === typeOnly))
      this.#modules.push({ from, typeOnly, names: new Map() });
    return this;
  }

  /** Records the use of `name` from `from` and returns the name to print. */
  import(name: string, from: string, options: { type?: boolean } = {}): string {
    const typeOnly = options.type === true;
    const mod =
      this.#modules.find((m) => m.from === from && m.typeOnly === typeOnly) ??
      this.#modules.find((m) => m.from === from && !m.typeOnly);
    if (mod === undefined) throw new Error(`import source ${from} was not declared`);
    const asType = typeOnly && !mod.typeOnly;
    const known = mod.names.get(name);
    // A name used both as a value and as a type is imported as a value.
    mod.names.set(name, known === undefined ? asType : known && asType);
    return name;
  }

  /** Imports `name` only if the printed file uses it (names that fixed text may or may not use). */
  importIfUsed(name: string, from: string, options: { type?: boolean } = {}): void {
    this.#candidates.push({ name, from, type: options.type === true });
  }

  /**
   * Re-exports types (`export type { A, B } from "x";`), printed after the imports; the names
   * do not count as uses for `importIfUsed`.
   */
  reexportTypes(names: readonly string[], from: string): void {
    const decl = importDecl(names, from, true) as Doc[];
    this.#reexports.push(printDoc(["export type ", ...decl.slice(1)], PRINT_WIDTH));
  }

  /**
   * Names the file within its emitter so a watch build joins its text from the chunks of
   * statements kept since the last build (`joinKept`): for files of hundreds of statements.
   */
  keptAs(key: string): this {
    this.#keptAs = key;
    return this;
  }

  /** Fixed helpers printed after the imports, keeping only what the rest of the file uses. */
  prelude(prelude: Prelude): this {
    this.#prelude = prelude;
    return this;
  }

  /** Appends a top-level statement (or several, kept together without a blank line). */
  print(statement: Doc): void {
    this.#add(printDoc(statement, PRINT_WIDTH));
  }

  /** Appends text already in its final layout (no trailing newline). */
  verbatim(text: string): void {
    this.#add(text);
  }

  /**
   * Prints a statement without appending it yet (`appendRendered` adds it later): for code
   * generated before what must precede it in the file.
   */
  render(statement: Doc): string {
    const text = printDoc(statement, PRINT_WIDTH);
    if (this.#candidates.length > 0 || this.#prelude !== undefined) collectNames(text, this.#used);
    return text;
  }

  /**
   * `render` that also gives the identifiers the text uses, for a fragment kept between builds
   * (src/emit/fragment-cache.ts); `useNames` adds them again when the fragment is reused.
   */
  renderWithNames(statement: Doc): Rendered {
    return new Rendered(this.render(statement));
  }

  /** Counts `names` as used by the printed statements (text printed by an earlier build). */
  useNames(names: Iterable<string>): void {
    if (this.#candidates.length === 0 && this.#prelude === undefined) return;
    if (this.#keptAs !== undefined && Array.isArray(names)) this.#nameLists.push(names as readonly string[]);
    else for (const name of names) this.#used.add(name);
  }

  /** Appends a statement from `render`. */
  appendRendered(text: string): void {
    this.#chunks.push(text);
    this.#length += text.length;
  }

  #add(text: string): void {
    this.#chunks.push(text);
    this.#length += text.length;
    if (this.#candidates.length > 0 || this.#prelude !== undefined) collectNames(text, this.#used);
  }

  toString(): string {
    if (this.#nameLists.length > 0)
      for (const names of unionKept(this.#keptAs!, this.#nameLists)) for (const name of names) this.#used.add(name);
    const prelude = this.#prelude?.for(this.#used) ?? "";
    if (this.#candidates.length > 0) {
      const inPrelude = new Set<string>();
      collectNames(prelude, inPrelude);
      for (const c of this.#candidates)
        if (this.#used.has(c.name) || inPrelude.has(c.name)) this.import(c.name, c.from, { type: c.type });
    }
    const imports: Doc[] = [];
    for (const m of this.#modules) {
      if (m.names.size === 0) continue;
      // Each name lowered once, not in every comparison (validators.ts imports every type).
      const names = [...m.names]
        .map(([name, asType]) => ({ name, lower: name.toLowerCase(), asType }))
        .sort((a, b) => compareNames(a.lower, a.name, b.lower, b.name))
        .map(({ name, asType }) => (asType ? `type ${name}` : name));
      imports.push(importDecl(names, m.from, m.typeOnly));
    }
    const head = [
      imports.length ? printDoc(join(hardline, imports), PRINT_WIDTH) : "",
      this.#reexports.join("\n"),
      prelude,
    ].filter((p) => p !== "");
    // One flat string: the header and the final newline go into the first and last parts rather
    // than around the joined text, whose concatenation the writer would flatten into a second copy.
    // Joining copies the statements into one more string as large as all of them (validators.ts
    // of 5,000 records: 37 MB): the garbage their printing left goes first, so the heap does not
    // grow for the copy (the build's peak memory).
    collectAfterLargeText(this.#length);
    const parts = [...head, ...this.#chunks];
    if (parts.length === 0) return `${this.header}\n`;
    parts[0] = this.header + parts[0];
    parts[parts.length - 1] += "\n";
    return this.#keptAs === undefined ? parts.join("\n\n") : joinKept(this.#keptAs, parts, "\n\n");
  }
}

/**
 * A printed statement as a fragment (src/emit/fragment-cache.ts): its text, and the identifiers
 * it uses, found when first asked for. A one-shot build never asks (the file counted them as it
 * printed), so it makes no list of them.
 */
export class Rendered {
  readonly registered: readonly string[] = [];
  #names: string[] | undefined;
  constructor(readonly text: string) {}

  get names(): readonly string[] {
    if (this.#names === undefined) {
      const names = new Set<string>();
      collectNames(this.text, names);
      this.#names = [...names];
    }
    return this.#names;
  }
}

/** Case-insensitive (`la`, `lb`: the names lowered), then by code point: `authenticated` before `AuthenticatedContext`. */
function compareNames(la: string, a: string, lb: string, b: string): number {
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
