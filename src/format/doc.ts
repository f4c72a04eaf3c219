/**
 * A small Wadler-style document algebra for the formatter, and its renderer.
 *
 * The only breakable construct is a `group` (used for `{ ... }` blocks): it prints flat when it
 * is not forced broken and everything up to the next line break fits in the width; otherwise
 * its `line`s become newlines. Every source token is a `tok` carrying its source offset, so
 * the comment pass can find the output line of any token.
 */

export interface Tok {
  readonly k: "tok";
  readonly text: string;
  /** Start offset of this token in the source text. */
  readonly offset: number;
  /** First token of a member (declaration, field, variant, section...): may claim doc comments. */
  readonly member: boolean;
  /** A closing brace: comments placed before its line are indented one level deeper. */
  readonly closer: boolean;
}
export interface Text {
  readonly k: "text";
  readonly text: string;
}
export interface Concat {
  readonly k: "concat";
  readonly parts: readonly Doc[];
}
export interface Indent {
  readonly k: "indent";
  readonly doc: Doc;
}
/** A line break; in a flat group it prints `flat` instead. `flat === undefined` means always break. */
export interface Line {
  readonly k: "line";
  readonly flat: string | undefined;
}
export interface Group {
  readonly k: "group";
  readonly doc: Doc;
  /** Forced broken: written on several lines, holds comments, or always multi-line by style. */
  readonly broken: boolean;
}
export type Doc = Tok | Text | Concat | Indent | Line | Group;

export const text = (t: string): Text => ({ k: "text", text: t });
export const concat = (...parts: Doc[]): Concat => ({ k: "concat", parts });
export const indent = (doc: Doc): Indent => ({ k: "indent", doc });
export const softline = (flat: string): Line => ({ k: "line", flat });
export const hardline: Line = { k: "line", flat: undefined };
export const group = (doc: Doc, broken: boolean): Group => ({ k: "group", doc, broken });
export function tok(t: string, offset: number, flags: { member?: boolean; closer?: boolean } = {}): Tok {
  return { k: "tok", text: t, offset, member: flags.member ?? false, closer: flags.closer ?? false };
}

/** Visits every token of a document, in order. */
export function forEachTok(doc: Doc, f: (t: Tok) => void): void {
  switch (doc.k) {
    case "tok":
      f(doc);
      return;
    case "concat":
      for (const p of doc.parts) forEachTok(p, f);
      return;
    case "indent":
    case "group":
      forEachTok(doc.doc, f);
      return;
    default:
      return;
  }
}

/** One rendered output line, before comments are added. */
export interface OutLine {
  /** Indentation in levels (two spaces each). */
  indent: number;
  /** The code, without indentation. */
  text: string;
  /** Source offsets of the tokens on this line, in output order. */
  tokens: number[];
  /** The first token on the line, if any. */
  first: Tok | undefined;
}

export const INDENT = "  ";

type Mode = "flat" | "break";
type Command = readonly [indent: number, mode: Mode, doc: Doc];

/**
 * Renders `doc` into lines at most `width` columns wide where groups allow it. A token whose
 * offset is in `breakBefore` always starts a line (a continuation line, one level deeper, when
 * it would otherwise fall mid-line).
 */
export function render(doc: Doc, width: number, breakBefore: ReadonlySet<number>): OutLine[] {
  const lines: OutLine[] = [];
  let cur: OutLine = { indent: 0, text: "", tokens: [], first: undefined };
  const newline = (level: number): void => {
    cur.text = cur.text.trimEnd();
    lines.push(cur);
    cur = { indent: level, text: "", tokens: [], first: undefined };
  };
  const stack: Command[] = [[0, "break", doc]];

  const fits = (next: Command, restEnd: number): boolean => {
    let remaining = width - cur.indent * INDENT.length - cur.text.length;
    const local: Command[] = [next];
    let restIndex = restEnd;
    let lineStart = cur.text.trim() === "";
    while (remaining >= 0) {
      let command = local.pop();
      const inGroup = command !== undefined;
      if (!command) {
        if (restIndex < 0) return true;
        command = stack[restIndex--]!;
      }
      const [level, mode, d] = command;
      switch (d.k) {
        case "tok":
          if (breakBefore.has(d.offset) && !lineStart) {
            // A forced continuation line: inside the group, measure from there; after it, the line ends.
            if (!inGroup) return true;
            remaining = width - (level + 1) * INDENT.length;
          }
          lineStart = false;
          remaining -= d.text.length;
          break;
        case "text":
          remaining -= d.text.length;
          break;
        case "concat":
          for (let i = d.parts.length - 1; i >= 0; i--) local.push([level, mode, d.parts[i]!]);
          break;
        case "indent":
          local.push([level + 1, mode, d.doc]);
          break;
        case "line":
          if (mode === "break" || d.flat === undefined) return true;
          remaining -= d.flat.length;
          break;
        case "group":
          local.push([level, d.broken ? "break" : mode, d.doc]);
          break;
      }
    }
    return false;
  };

  while (stack.length > 0) {
    const [level, mode, d] = stack.pop()!;
    switch (d.k) {
      case "tok":
        if (breakBefore.has(d.offset) && cur.text.trim() !== "") newline(level + 1);
        if (cur.first === undefined) cur.first = d;
        cur.text += d.text;
        cur.tokens.push(d.offset);
        break;
      case "text":
        cur.text += d.text;
        break;
      case "concat":
        for (let i = d.parts.length - 1; i >= 0; i--) stack.push([level, mode, d.parts[i]!]);
        break;
      case "indent":
        stack.push([level + 1, mode, d.doc]);
        break;
      case "line":
        if (mode === "flat" && d.flat !== undefined) cur.text += d.flat;
        else newline(level);
        break;
      case "group":
        if (d.broken) stack.push([level, "break", d.doc]);
        else if (mode === "flat") stack.push([level, "flat", d.doc]);
        else {
          const flat: Command = [level, "flat", d.doc];
          stack.push(fits(flat, stack.length - 1) ? flat : [level, "break", d.doc]);
        }
        break;
    }
  }
  cur.text = cur.text.trimEnd();
  lines.push(cur);
  return lines;
}
