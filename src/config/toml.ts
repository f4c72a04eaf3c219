/**
 * Turns the TOML syntax tree into nested tables that keep the location of every key and value,
 * so that each configuration diagnostic can point at what the user wrote.
 *
 * Offsets are indices into the file's text as a JavaScript string, the same as the spans of the
 * `.hamlet` parser (chevrotain offsets); for ASCII files they equal byte offsets.
 */
import { getStaticTOMLValue, parseTOML, type AST } from "toml-eslint-parser";
import type { Span } from "../ast/nodes.js";

export type TomlNode = TomlTable | TomlLeaf | TomlTableArray;

export interface TomlTable {
  readonly kind: "table";
  readonly entries: Map<string, TomlEntry>;
  /** The header `[a.b]` or inline table `{ ... }` that defines it; undefined when implied. */
  span: Span | undefined;
}

export interface TomlLeaf {
  readonly kind: "value";
  /** A value, array or (never) inline table: inline tables become `TomlTable`s. */
  readonly node: AST.TOMLContentNode;
  readonly span: Span;
}

/** `[[name]]`: an array of tables (only emitter options may use one). */
export interface TomlTableArray {
  readonly kind: "table-array";
  readonly tables: TomlTable[];
  /** The first `[[name]]` header. */
  readonly span: Span;
}

export interface TomlEntry {
  /** The key segment that names this entry (`b` in `a.b = 1`). */
  readonly keySpan: Span;
  readonly node: TomlNode;
}

export type ParseResult =
  | { readonly ok: true; readonly root: TomlTable }
  | { readonly ok: false; readonly message: string; readonly span: Span };

export function parseTomlFile(file: string, source: string): ParseResult {
  // A byte-order mark is not TOML; a space keeps every offset where it was.
  const text = source.startsWith("\uFEFF") ? " " + source.slice(1) : source;
  let program: AST.TOMLProgram;
  try {
    program = parseTOML(text);
  } catch (error) {
    const index = typeof (error as { index?: unknown }).index === "number" ? (error as { index: number }).index : 0;
    const start = Math.max(0, Math.min(index, text.length));
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message, span: { file, start, end: Math.min(start + 1, text.length) } };
  }
  const span = (node: { range: [number, number] }): Span => ({ file, start: node.range[0], end: node.range[1] });
  const root: TomlTable = { kind: "table", entries: new Map(), span: undefined };

  /** Walks (creating implied tables) to the table named by `keys`; into the last table of a `[[x]]`. */
  const descend = (table: TomlTable, keys: readonly (AST.TOMLBare | AST.TOMLQuoted)[]): TomlTable | undefined => {
    let current = table;
    for (const key of keys) {
      const name = keyName(key);
      const entry = current.entries.get(name);
      if (!entry) {
        const created: TomlTable = { kind: "table", entries: new Map(), span: undefined };
        current.entries.set(name, { keySpan: span(key), node: created });
        current = created;
      } else if (entry.node.kind === "table") {
        current = entry.node;
      } else if (entry.node.kind === "table-array" && entry.node.tables.length > 0) {
        current = entry.node.tables[entry.node.tables.length - 1]!;
      } else {
        return undefined;
      }
    }
    return current;
  };

  const addKeyValue = (table: TomlTable, kv: AST.TOMLKeyValue): void => {
    const keys = kv.key.keys;
    const last = keys[keys.length - 1];
    if (!last) return;
    const parent = descend(table, keys.slice(0, -1));
    if (!parent) return;
    const name = keyName(last);
    if (kv.value.type === "TOMLInlineTable") {
      const inline: TomlTable = { kind: "table", entries: new Map(), span: span(kv.value) };
      parent.entries.set(name, { keySpan: span(last), node: inline });
      for (const inner of kv.value.body) addKeyValue(inline, inner);
    } else {
      parent.entries.set(name, { keySpan: span(last), node: { kind: "value", node: kv.value, span: span(kv.value) } });
    }
  };

  for (const item of program.body[0].body) {
    if (item.type === "TOMLKeyValue") {
      addKeyValue(root, item);
      continue;
    }
    const keys = item.key.keys;
    let table: TomlTable | undefined;
    if (item.kind === "array") {
      const parent = descend(root, keys.slice(0, -1));
      const last = keys[keys.length - 1];
      if (!parent || !last) continue;
      const name = keyName(last);
      let entry = parent.entries.get(name);
      if (!entry) {
        entry = { keySpan: span(last), node: { kind: "table-array", tables: [], span: span(item.key) } };
        parent.entries.set(name, entry);
      }
      if (entry.node.kind !== "table-array") continue;
      table = { kind: "table", entries: new Map(), span: span(item.key) };
      entry.node.tables.push(table);
    } else {
      table = descend(root, keys);
      if (!table) continue;
      table.span = span(item.key);
    }
    for (const kv of item.body) addKeyValue(table, kv);
  }
  return { ok: true, root };
}

function keyName(key: AST.TOMLBare | AST.TOMLQuoted): string {
  return key.type === "TOMLBare" ? key.name : key.value;
}

/** The plain JavaScript value of a node: tables become objects, TOML values their JS values. */
export function plainValue(node: TomlNode): unknown {
  switch (node.kind) {
    case "value":
      return getStaticTOMLValue(node.node);
    case "table": {
      const out: Record<string, unknown> = {};
      for (const [key, entry] of node.entries) out[key] = plainValue(entry.node);
      return out;
    }
    case "table-array":
      return node.tables.map(plainValue);
  }
}

/** The span to point at for a node's value. */
export function nodeSpan(entry: TomlEntry): Span {
  const node = entry.node;
  return node.kind === "table" ? (node.span ?? entry.keySpan) : node.span;
}
