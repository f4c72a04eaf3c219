/**
 * What formatting must keep: the syntax tree without positions, and the comments.
 */
import type * as ast from "../ast/nodes.js";

/**
 * The document without spans and without its comment list, doc comment texts without trailing
 * whitespace (the formatter trims it). Two files mean the same iff these are deep-equal.
 */
export function meaning(document: ast.Document): unknown {
  const strip = (node: unknown, key: string): unknown => {
    if (Array.isArray(node)) {
      if (key === "docs" || key === "packageDocs") return (node as ast.DocComment[]).map((d) => d.text.trimEnd());
      return node.map((n) => strip(n, ""));
    }
    if (node !== null && typeof node === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        if (k === "span" || k === "comments") continue;
        out[k] = strip(v, k);
      }
      return out;
    }
    return node;
  };
  return strip(document, "");
}

/** The comment texts of a file as a sorted multiset, trailing whitespace trimmed. */
export function commentTexts(comments: readonly ast.Comment[]): string[] {
  return comments.map((c) => c.text.trimEnd()).sort();
}

/** Structural equality of JSON-like values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") {
    return typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((x, i) => deepEqual(x, bs[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bKeys = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return keys.length === bKeys.length && keys.every((k) => deepEqual(ao[k], bo[k]));
}
