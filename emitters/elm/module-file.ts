/**
 * A whole Elm module in elm-format 0.8.8's layout: the header with a sorted exposing list, the
 * module doc comment, sorted and merged imports, declarations two blank lines apart, and an
 * optional `-- HELPERS` section of private helpers.
 */
import type { Block } from "./printer.js";

export interface Import {
  readonly module: string;
  readonly alias?: string;
  readonly exposing?: readonly string[];
}

export interface ElmModule {
  readonly name: string;
  readonly exposing: readonly string[];
  readonly doc: Block;
  readonly imports: readonly Import[];
  /** At least one: a module without declarations is not valid Elm. */
  readonly declarations: readonly Block[];
  readonly helpers?: readonly Block[];
}

/** elm-format sorts a module's exposing list (when it has no `@docs` groups) and drops repeats. */
function exposingList(names: readonly string[]): string {
  const key = (n: string): string => n.replace(/\(\.\.\)$/, "");
  const unique = [...new Map(names.map((n) => [key(n), n])).values()];
  unique.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return unique.join(", ");
}

/** elm-format sorts imports by module name and merges two imports of the same module. */
function importLines(imports: readonly Import[]): string[] {
  const merged = new Map<string, { alias?: string; exposing: string[] }>();
  for (const i of imports) {
    const entry = merged.get(i.module) ?? { exposing: [] };
    if (i.alias !== undefined) entry.alias = i.alias;
    for (const e of i.exposing ?? []) if (!entry.exposing.includes(e)) entry.exposing.push(e);
    merged.set(i.module, entry);
  }
  return [...merged.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((module) => {
      const { alias, exposing } = merged.get(module)!;
      return `import ${module}${alias !== undefined ? ` as ${alias}` : ""}${
        exposing.length > 0 ? ` exposing (${exposing.join(", ")})` : ""
      }`;
    });
}

/** Two blank lines between top-level declarations, as elm-format puts them. */
function pushDeclarations(lines: string[], declarations: readonly Block[]): void {
  declarations.forEach((d, i) => {
    if (i > 0) lines.push("", "");
    for (const line of d) lines.push(line);
  });
}

/** The text of the module, ending with a newline. */
export function printModule(m: ElmModule): string {
  if (m.declarations.length === 0 || m.exposing.length === 0)
    throw new Error(`the Elm module ${m.name} has no declarations, which is not valid Elm`);
  const lines = [`module ${m.name} exposing (${exposingList(m.exposing)})`];
  if (m.doc.length > 0) lines.push("", ...m.doc);
  const imports = importLines(m.imports);
  if (imports.length > 0) lines.push("", ...imports);
  lines.push("", "");
  pushDeclarations(lines, m.declarations);
  if (m.helpers && m.helpers.length > 0) {
    lines.push("", "", "", "-- HELPERS", "", "");
    pushDeclarations(lines, m.helpers);
  }
  return `${lines.join("\n")}\n`;
}
