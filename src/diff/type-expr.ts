/** Comparing type expressions across versions, following type renames. */
import type { TypeExpr } from "../schema/types.js";

/** `widened`: every old value is still a value of the new type, but not the reverse. */
export type ExprChange = "same" | "widened" | "changed";

const widenings: ReadonlyArray<readonly [string, string]> = [
  ["Int", "Float"],
  ["Uuid", "String"],
];

export function compareExpr(a: TypeExpr, b: TypeExpr, typeMap: ReadonlyMap<string, string>): ExprChange {
  if (a.kind === "primitive" && b.kind === "primitive") {
    if (a.name === b.name) return "same";
    return widenings.some(([from, to]) => from === a.name && to === b.name) ? "widened" : "changed";
  }
  if (a.kind === "ref" && b.kind === "ref") return (typeMap.get(a.name) ?? a.name) === b.name ? "same" : "changed";
  if (a.kind === "list" && b.kind === "list") return compareExpr(a.element, b.element, typeMap);
  if (a.kind === "map" && b.kind === "map") return compareExpr(a.value, b.value, typeMap);
  if (a.kind === "optional" && b.kind === "optional") return compareExpr(a.inner, b.inner, typeMap);
  if (a.kind !== "optional" && b.kind === "optional")
    return compareExpr(a, b.inner, typeMap) === "changed" ? "changed" : "widened";
  return "changed";
}

export function exprText(t: TypeExpr | undefined): string {
  if (t === undefined) return "nothing";
  switch (t.kind) {
    case "primitive":
      return t.name;
    case "ref":
      return t.name;
    case "list":
      return `List<${exprText(t.element)}>`;
    case "map":
      return `Map<String, ${exprText(t.value)}>`;
    case "optional":
      return `${exprText(t.inner)}?`;
  }
}

/** The type without a top-level `?`, and whether it had one. */
export function unwrapOptional(t: TypeExpr): { inner: TypeExpr; optional: boolean } {
  return t.kind === "optional" ? { inner: t.inner, optional: true } : { inner: t, optional: false };
}
