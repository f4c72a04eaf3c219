/**
 * TypeScript type expressions as layout documents shaped like Prettier's: type arguments break
 * one per line, unions break with a leading `|` per member, and `Ref | null` stays together
 * (Prettier's `shouldHugType`). Types are written as text by the emitters and parsed here; the
 * grammar is the small part generated code uses.
 */
import { group, ifBreak, indent, indentIfBreak, join, line, softline, type Doc } from "./doc.js";

type TypeNode =
  | { readonly k: "name"; readonly text: string; readonly keyword: boolean }
  | { readonly k: "generic"; readonly name: string; readonly args: readonly TypeNode[] }
  | { readonly k: "union"; readonly members: readonly TypeNode[] }
  | { readonly k: "postfix"; readonly inner: TypeNode; readonly suffix: string }
  | { readonly k: "readonly"; readonly inner: TypeNode }
  /** Text kept as it is (object types, literals). */
  | { readonly k: "raw"; readonly text: string; readonly object: boolean };

const KEYWORDS = new Set(["string", "number", "boolean", "unknown", "never", "void", "null", "undefined", "any"]);

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}
  private ws(): void {
    while (this.s[this.i] === " ") this.i++;
  }
  private peek(text: string): boolean {
    this.ws();
    return this.s.startsWith(text, this.i);
  }
  union(): TypeNode {
    const members = [this.postfix()];
    while (this.peek("|")) {
      this.i++;
      members.push(this.postfix());
    }
    return members.length === 1 ? members[0]! : { k: "union", members };
  }
  private postfix(): TypeNode {
    this.ws();
    if (this.s.startsWith("readonly ", this.i)) {
      this.i += 9;
      return { k: "readonly", inner: this.postfix() };
    }
    let node = this.primary();
    for (;;) {
      if (this.s.startsWith("[]", this.i)) {
        this.i += 2;
        node = { k: "postfix", inner: node, suffix: "[]" };
      } else if (this.s[this.i] === "[") {
        const end = this.s.indexOf("]", this.i);
        node = { k: "postfix", inner: node, suffix: this.s.slice(this.i, end + 1) };
        this.i = end + 1;
      } else return node;
    }
  }
  private primary(): TypeNode {
    this.ws();
    const c = this.s[this.i];
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(this.s.slice(this.i))!;
      this.i += m[0].length;
      return { k: "raw", text: m[0], object: false };
    }
    if (c === "{") {
      let depth = 0;
      const start = this.i;
      for (; this.i < this.s.length; this.i++) {
        if (this.s[this.i] === "{") depth++;
        else if (this.s[this.i] === "}" && --depth === 0) break;
      }
      this.i++;
      return { k: "raw", text: this.s.slice(start, this.i), object: true };
    }
    const m = /^[A-Za-z_$][\w$.]*/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`cannot print the type ${this.s}`);
    this.i += m[0].length;
    if (this.s[this.i] === "<") {
      this.i++;
      const args = [this.union()];
      while (this.peek(",")) {
        this.i++;
        args.push(this.union());
      }
      this.ws();
      this.i++; // ">"
      return { k: "generic", name: m[0], args };
    }
    return { k: "name", text: m[0], keyword: KEYWORDS.has(m[0]) };
  }
}

export function parseType(text: string): TypeNode {
  return new Parser(text).union();
}

const isReference = (t: TypeNode) => t.k === "generic" || (t.k === "name" && !t.keyword) || (t.k === "raw" && t.object);
const isNullish = (t: TypeNode) => t.k === "name" && (t.text === "null" || t.text === "void");

/** Prettier's `shouldHugType`: simple types, object types, and `Ref | null`. */
function hugs(t: TypeNode): boolean {
  if (t.k === "name" || (t.k === "raw" && t.object)) return true;
  if (t.k === "union") {
    const nullish = t.members.filter(isNullish).length;
    return t.members.length - 1 === nullish && t.members.some(isReference);
  }
  return false;
}

function unionDoc(t: Extract<TypeNode, { k: "union" }>): Doc {
  if (hugs(t)) return join(" | ", t.members.map(typeDoc));
  const [first, ...rest] = t.members.map((m) => indent(typeDoc(m)));
  return group([ifBreak("| "), first!, ...rest.flatMap((m) => [line, "| ", m])]);
}

/** A type where it stands alone (a member of a union or a type argument). */
export function typeDoc(t: TypeNode): Doc {
  switch (t.k) {
    case "name":
      return t.text;
    case "raw":
      return t.text;
    case "readonly":
      return ["readonly ", typeDoc(t.inner)];
    case "postfix":
      return [typeDoc(t.inner), t.suffix];
    case "union":
      return unionDoc(t);
    case "generic": {
      if (t.args.length === 1 && hugs(t.args[0]!)) return [t.name, "<", typeDoc(t.args[0]!), ">"];
      return [t.name, group(["<", indent([softline, ...join([",", line], t.args.map(typeDoc))]), softline, ">"])];
    }
  }
}

/** A type after `name: ` (a variable, property or parameter annotation). */
export function annotationDoc(text: string): Doc {
  // Intersections (`Context & EmitsContext<"A">`) stay on one line.
  if (text.includes(" & ")) return text;
  const t = parseType(text);
  if (t.k === "union" && !hugs(t)) return group(indent([softline, unionDoc(t)]));
  return typeDoc(t);
}

/** `head = type;` for a type alias (`head` is `export type Name`). */
export function typeAliasDoc(head: string, text: string): Doc {
  const t = parseType(text);
  if (t.k === "union" && !hugs(t)) return [group([head, " =", group(indent([line, unionDoc(t)]))]), ";"];
  const id = Symbol("assignment");
  return [group([head, " =", group(indent(line), { id }), indentIfBreak(typeDoc(t), id)]), ";"];
}
