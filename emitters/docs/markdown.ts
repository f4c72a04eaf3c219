/** Markdown building blocks for the docs emitter: type text, constraint text, tables, code blocks. */
import type { Constraints, Documented, FieldDef, JsonValue, TypeExpr } from "../../src/schema/types.js";

/** A type as written in a schema: `List<Post>`, `Map<String, Int>`, `Uuid?`. */
export function typeText(type: TypeExpr): string {
  switch (type.kind) {
    case "primitive":
      return type.name;
    case "list":
      return `List<${typeText(type.element)}>`;
    case "map":
      return `Map<String, ${typeText(type.value)}>`;
    case "optional":
      return `${typeText(type.inner)}?`;
    case "ref":
      return type.name;
  }
}

/** Names of declared types a type mentions, in order, once each. */
export function typeRefs(type: TypeExpr, into: string[] = []): string[] {
  switch (type.kind) {
    case "primitive":
      break;
    case "list":
      typeRefs(type.element, into);
      break;
    case "map":
      typeRefs(type.value, into);
      break;
    case "optional":
      typeRefs(type.inner, into);
      break;
    case "ref":
      if (!into.includes(type.name)) into.push(type.name);
  }
  return into;
}

/** `Post` → `#type-post` (explicit anchors, so headings can say anything). */
export function anchor(kind: string, name: string): string {
  return `${kind}-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}

/** A type in code, followed by links to the declared types it mentions. */
export function typeCell(type: TypeExpr): string {
  const refs = typeRefs(type);
  const code = `\`${typeText(type)}\``;
  if (refs.length === 0) return code;
  return `${code} (${refs.map((r) => `[${r}](#${anchor("type", r)})`).join(", ")})`;
}

export function constraintText(c: Constraints): string[] {
  const out: string[] = [];
  const range = (lo: number | undefined, hi: number | undefined, what: string) => {
    if (lo !== undefined && hi !== undefined) out.push(`${what} ${lo} to ${hi}`);
    else if (lo !== undefined) out.push(`${what} ≥ ${lo}`);
    else if (hi !== undefined) out.push(`${what} ≤ ${hi}`);
  };
  range(c.minLength, c.maxLength, "length");
  range(c.min, c.max, "value");
  range(c.minItems, c.maxItems, "items");
  if (c.pattern !== undefined) out.push(`pattern \`${c.pattern}\``);
  if (c.format !== undefined) out.push(`format ${c.format}`);
  return out;
}

/** Doc comment as paragraphs, plus a deprecation note. */
export function docBlock(doc: Documented): string[] {
  const out: string[] = [];
  const text = doc.docs.join("\n").trim();
  if (text !== "") out.push(text, "");
  if (doc.deprecated !== undefined)
    out.push(`> **Deprecated**${doc.deprecated === "" ? "." : `: ${doc.deprecated}`}`, "");
  return out;
}

/** One-line description for a table cell. */
export function docCell(doc: Documented): string {
  const parts = [doc.docs.join(" ").trim()];
  if (doc.deprecated !== undefined) parts.push(`**Deprecated**${doc.deprecated === "" ? "." : `: ${doc.deprecated}`}`);
  return escapeCell(parts.filter((p) => p !== "").join(" "));
}

export function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return [];
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
  ];
}

/** Whether the key must be present on the wire, and what happens when it is not. */
export function requiredText(field: FieldDef): string {
  if (field.default !== undefined) return `no (default \`${JSON.stringify(field.default)}\`)`;
  if (field.type.kind === "optional") return "no (absent or `null`)";
  return "yes";
}

export function fieldsTable(fields: readonly FieldDef[]): string[] {
  return table(
    ["Field", "Type", "Required", "Constraints", "Description"],
    fields.map((f) => [
      `\`${f.name}\``,
      escapeCell(typeCell(f.type)),
      requiredText(f),
      escapeCell(constraintText(f.constraints).join(", ")),
      docCell(f),
    ]),
  );
}

export function codeBlock(lang: string, content: string): string[] {
  const fence = content.includes("```") ? "````" : "```";
  return [`${fence}${lang}`, content, fence, ""];
}

export function jsonBlock(value: JsonValue | undefined): string[] {
  if (value === undefined) return ["_No example could be generated._", ""];
  return codeBlock("json", JSON.stringify(value, null, 2));
}
