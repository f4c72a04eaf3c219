/**
 * Turns the AST of a `.hamlet` file into formatter documents, one per top-level item
 * (package line, import, declaration). Comments are not printed here; `comments.ts` places
 * them around the rendered lines. Every source token that is printed carries its offset.
 */
import type { IToken } from "chevrotain";
import type * as ast from "../ast/nodes.js";
import { concat, group, hardline, indent, softline, text, tok, type Doc } from "./doc.js";

/** The width a `{ ... }` block must fit in to stay on one line. */
export const LINE_WIDTH = 80;

export type ItemKind = "package" | "import" | "declaration";

export interface TopItem {
  readonly kind: ItemKind;
  readonly doc: Doc;
}

/** A `{ ... }` block of the source: the offsets of its braces. */
export interface Block {
  readonly open: number;
  readonly close: number;
}

export class Printer {
  /** Every block printed, so that misplaced doc comments can be moved before a closing brace. */
  readonly blocks: Block[] = [];

  constructor(
    private readonly source: string,
    private readonly tokens: readonly IToken[],
    /** Start offsets of all comments, sorted. */
    private readonly commentStarts: readonly number[],
  ) {}

  // -- token lookup -----------------------------------------------------------------------------

  /** Index of the first token starting at or after `offset`. */
  private indexAtOrAfter(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first token starting at or after `offset`. */
  private after(offset: number): IToken {
    const t = this.tokens[this.indexAtOrAfter(offset)];
    if (!t) throw new Error(`no token after offset ${offset}`);
    return t;
  }

  /** The last token starting before `offset`. */
  private before(offset: number): IToken {
    const t = this.tokens[this.indexAtOrAfter(offset) - 1];
    if (!t) throw new Error(`no token before offset ${offset}`);
    return t;
  }

  /** A printed token: the source token at or after `offset`, checked against `expected`. */
  private at(offset: number, expected: string, flags: { member?: boolean; closer?: boolean } = {}): Doc {
    const t = this.after(offset);
    if (t.image !== expected) throw new Error(`expected \`${expected}\` at ${t.startOffset}, found \`${t.image}\``);
    return tok(expected, t.startOffset, flags);
  }

  /** The source token ending at `end` (the last token of a span), checked against `expected`. */
  private ending(end: number, expected: string, flags: { member?: boolean; closer?: boolean } = {}): Doc {
    const t = this.before(end);
    if (t.image !== expected) throw new Error(`expected \`${expected}\` before ${end}, found \`${t.image}\``);
    return tok(expected, t.startOffset, flags);
  }

  private ident(id: ast.Identifier, member = false): Doc {
    return tok(id.name, id.span.start, { member });
  }

  /** The comma right after `end` if the source has one (before `limit`), else a synthetic one. */
  private comma(end: number, limit: number): Doc {
    const t = this.tokens[this.indexAtOrAfter(end)];
    return t && t.image === "," && t.startOffset < limit ? tok(",", t.startOffset) : text(",");
  }

  private hasComment(start: number, end: number): boolean {
    let lo = 0;
    let hi = this.commentStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.commentStarts[mid]! <= start) lo = mid + 1;
      else hi = mid;
    }
    const c = this.commentStarts[lo];
    return c !== undefined && c < end;
  }

  // -- blocks -----------------------------------------------------------------------------------

  /**
   * `{ a, b }` on one line when the source has it on one line, it holds no comment and it fits;
   * otherwise one member per line without commas. An empty block without comments is `{}`.
   */
  private block(open: number, close: number, items: readonly Doc[], alwaysBroken = false): Doc {
    this.blocks.push({ open, close });
    const openTok = tok("{", open);
    const closeTok = tok("}", close, { closer: true });
    const commented = this.hasComment(open, close);
    if (items.length === 0 && !commented) return concat(openTok, closeTok);
    const oneSourceLine = !/[\n\r]/.test(this.source.slice(open, close));
    const broken = alwaysBroken || commented || !oneSourceLine || items.length === 0;
    const inner: Doc[] = [];
    items.forEach((item, i) => inner.push(softline(i === 0 ? " " : ", "), item));
    return group(concat(openTok, indent(concat(...inner)), softline(" "), closeTok), broken);
  }

  private fieldBlock(open: number, close: number, fields: readonly ast.Field[]): Doc {
    return this.block(
      open,
      close,
      fields.map((f) => this.field(f)),
    );
  }

  private variantBlock(open: number, close: number, variants: readonly ast.Variant[]): Doc {
    return this.block(
      open,
      close,
      variants.map((v) => this.variant(v)),
    );
  }

  // -- file ---------------------------------------------------------------------------------------

  items(document: ast.Document): TopItem[] {
    const items: TopItem[] = [];
    if (document.packageName) {
      const name = document.packageName;
      const kw = this.before(name.span.start);
      items.push({
        kind: "package",
        doc: concat(tok("package", kw.startOffset, { member: true }), text(" "), this.ident(name)),
      });
    }
    for (const imp of document.imports) {
      items.push({
        kind: "import",
        doc: concat(this.at(imp.span.start, "import", { member: true }), text(" "), this.string(imp.path)),
      });
    }
    for (const d of document.declarations) items.push({ kind: "declaration", doc: this.declaration(d) });
    return items;
  }

  // -- declarations -------------------------------------------------------------------------------

  private declaration(d: ast.Declaration): Doc {
    const parts: Doc[] = [];
    d.annotations.forEach((a, i) => parts.push(this.annotation(a, i === 0), hardline));
    const kw = this.before(d.name.span.start);
    parts.push(tok(kw.image, kw.startOffset, { member: d.annotations.length === 0 }), text(" "), this.ident(d.name));
    const lastTokenOf = (span: ast.Span): number => this.before(span.end).startOffset;
    switch (d.kind) {
      case "Alias":
        parts.push(text(" "), this.at(d.name.span.end, "="), text(" "), this.type(d.type));
        for (const c of d.constraints) parts.push(text(" "), this.annotation(c));
        break;
      case "Record":
      case "Event":
        parts.push(text(" "), this.fieldBlock(this.after(d.name.span.end).startOffset, lastTokenOf(d.span), d.fields));
        break;
      case "Enum":
        parts.push(
          text(" "),
          this.variantBlock(this.after(d.name.span.end).startOffset, lastTokenOf(d.span), d.variants),
        );
        break;
      case "Endpoint":
      case "Service":
      case "Upload":
        parts.push(
          this.at(d.name.span.end, ":"),
          text(" "),
          this.ident(d.method),
          text(" "),
          this.string(d.path),
          text(" "),
          this.sectionBlock(this.after(d.path.span.end).startOffset, lastTokenOf(d.span), d.sections),
        );
        break;
      case "Sse":
        parts.push(this.at(d.name.span.end, ":"), text(" "), this.type(d.type));
        break;
      case "WebSocket":
        parts.push(
          this.at(d.name.span.end, ":"),
          text(" "),
          this.string(d.path),
          text(" "),
          this.variantBlock(this.after(d.path.span.end).startOffset, lastTokenOf(d.span), d.variants),
        );
        break;
      case "Worker":
      case "Workflow":
        parts.push(
          text(" "),
          this.sectionBlock(this.after(d.name.span.end).startOffset, lastTokenOf(d.span), d.sections),
        );
        break;
      case "Model": {
        const members: { start: number; doc: Doc }[] = [
          ...d.fields.map((f) => ({ start: f.span.start, doc: this.field(f) })),
          ...d.indexes.map((ix) => ({ start: ix.span.start, doc: this.index(ix) })),
        ].sort((a, b) => a.start - b.start);
        parts.push(
          text(" "),
          this.block(
            this.after(d.name.span.end).startOffset,
            lastTokenOf(d.span),
            members.map((m) => m.doc),
            true,
          ),
        );
        break;
      }
    }
    return concat(...parts);
  }

  private sectionBlock(open: number, close: number, sections: readonly ast.Section[]): Doc {
    return this.block(
      open,
      close,
      sections.map((s) => this.section(s)),
      true,
    );
  }

  private section(s: ast.Section): Doc {
    const kw = this.ident(s.keyword, true);
    const end = this.before(s.span.end).startOffset;
    switch (s.kind) {
      case "TypeSection":
        return concat(kw, text(" "), this.type(s.type));
      case "VariantsSection":
        return concat(kw, text(" "), this.variantBlock(this.after(s.keyword.span.end).startOffset, end, s.variants));
      case "FieldsSection":
        return concat(kw, text(" "), this.fieldBlock(this.after(s.keyword.span.end).startOffset, end, s.fields));
      case "PropertiesSection":
        return concat(
          kw,
          text(" "),
          this.block(
            this.after(s.keyword.span.end).startOffset,
            end,
            s.properties.map((p) => this.property(p)),
          ),
        );
      case "NamedRecordSection":
        return s.fields === undefined
          ? concat(kw, text(" "), this.ident(s.name))
          : concat(
              kw,
              text(" "),
              this.ident(s.name),
              text(" "),
              this.fieldBlock(this.after(s.name.span.end).startOffset, end, s.fields),
            );
      case "TriggerSection":
        return concat(kw, text(" "), this.ident(s.event));
      case "StepSection":
        return s.output === undefined
          ? concat(kw, text(" "), this.ident(s.name))
          : concat(
              kw,
              text(" "),
              this.ident(s.name),
              text(" "),
              this.at(s.name.span.end, "->"),
              text(" "),
              this.type(s.output),
            );
    }
  }

  // -- members ------------------------------------------------------------------------------------

  private field(f: ast.Field): Doc {
    const parts: Doc[] = [this.ident(f.name, true), this.at(f.name.span.end, ":"), text(" "), this.type(f.type)];
    for (const a of f.annotations) parts.push(text(" "), this.annotation(a));
    if (f.defaultValue) {
      parts.push(text(" "), this.ending(f.defaultValue.span.start, "="), text(" "), this.value(f.defaultValue));
    }
    return concat(...parts);
  }

  private variant(v: ast.Variant): Doc {
    const parts: Doc[] = [this.ident(v.name, true)];
    if (v.fields !== undefined) {
      const open = this.after(v.name.span.end).startOffset;
      const first = v.annotations[0];
      const close = first ? this.before(first.span.start).startOffset : this.before(v.span.end).startOffset;
      parts.push(text(" "), this.fieldBlock(open, close, v.fields));
    }
    for (const a of v.annotations) parts.push(text(" "), this.annotation(a));
    return concat(...parts);
  }

  private property(p: ast.Property): Doc {
    return concat(this.ident(p.name, true), this.at(p.name.span.end, ":"), text(" "), this.value(p.value));
  }

  private index(ix: ast.IndexClause): Doc {
    const parts: Doc[] = [
      this.at(ix.span.start, "index", { member: true }),
      text(" "),
      this.at(ix.span.start + "index".length, "("),
    ];
    const close = ix.annotations[0] ? this.before(ix.annotations[0].span.start) : this.before(ix.span.end);
    ix.columns.forEach((c, i) => {
      if (i > 0) parts.push(this.comma(ix.columns[i - 1]!.span.end, c.span.start), text(" "));
      parts.push(this.ident(c));
    });
    parts.push(tok(")", close.startOffset));
    for (const a of ix.annotations) parts.push(text(" "), this.annotation(a));
    return concat(...parts);
  }

  // -- types --------------------------------------------------------------------------------------

  private type(t: ast.TypeNode): Doc {
    switch (t.kind) {
      case "NamedType": {
        if (t.args.length === 0) return this.ident(t.name);
        const parts: Doc[] = [this.ident(t.name), this.at(t.name.span.end, "<")];
        t.args.forEach((a, i) => {
          if (i > 0) parts.push(this.comma(t.args[i - 1]!.span.end, a.span.start), text(" "));
          parts.push(this.type(a));
        });
        parts.push(this.ending(t.span.end, ">"));
        return concat(...parts);
      }
      case "Optional":
        return concat(this.type(t.inner), this.ending(t.span.end, "?"));
      case "InlineRecord":
        return this.fieldBlock(t.span.start, this.before(t.span.end).startOffset, t.fields);
      case "MissingType":
        throw new Error("cannot format a missing type");
    }
  }

  // -- annotations and values ---------------------------------------------------------------------

  private annotation(a: ast.Annotation, member = false): Doc {
    const name = tok(`@${a.name.name}`, a.span.start, { member });
    if (a.args === undefined) return name;
    return concat(name, this.args(a.name.span.end, a.span.end, a.args));
  }

  /** `(a, b)` where `(` is the first token at or after `from` and `)` ends at `end`. */
  private args(from: number, end: number, args: readonly ast.Argument[]): Doc {
    const parts: Doc[] = [this.at(from, "(")];
    args.forEach((arg, i) => {
      if (i > 0) parts.push(this.comma(args[i - 1]!.span.end, arg.span.start), text(" "));
      if (arg.name) parts.push(this.ident(arg.name), this.at(arg.name.span.end, ":"), text(" "));
      parts.push(this.value(arg.value));
    });
    parts.push(this.ending(end, ")"));
    return concat(...parts);
  }

  private string(s: ast.StringValue): Doc {
    return tok(s.raw, s.span.start);
  }

  private value(v: ast.Value): Doc {
    switch (v.kind) {
      case "String":
        return this.string(v);
      case "Integer":
      case "Float":
      case "Duration":
      case "Size":
      case "Dimension":
        return tok(v.raw, v.span.start);
      case "Boolean":
        return tok(v.value ? "true" : "false", v.span.start);
      case "Name":
        return tok(v.name, v.span.start);
      case "Call":
        return concat(this.ident(v.callee), this.args(v.callee.span.end, v.span.end, v.args));
      case "List": {
        const parts: Doc[] = [tok("[", v.span.start)];
        v.items.forEach((item, i) => {
          if (i > 0) parts.push(this.comma(v.items[i - 1]!.span.end, item.span.start), text(" "));
          parts.push(this.value(item));
        });
        parts.push(this.ending(v.span.end, "]"));
        return concat(...parts);
      }
    }
  }
}
