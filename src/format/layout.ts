/**
 * Lays out a parsed file: renders every top-level item, puts every comment back and decides
 * the blank lines. See the style rules at the top of `format.ts`.
 */
import type { IToken } from "chevrotain";
import type * as ast from "../ast/nodes.js";
import { forEachTok, INDENT, render, type OutLine, type Tok } from "./doc.js";
import { LINE_WIDTH, Printer, type ItemKind } from "./printer.js";

interface PlacedLine extends OutLine {
  readonly item: number;
  readonly itemKind: ItemKind;
  readonly firstOfItem: boolean;
}

/** Binary search: index of the first element of `sorted` that is `>= value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Start offsets of every doc comment the parser attached to a node. */
function claimedDocs(node: unknown, into: Set<number>): Set<number> {
  if (Array.isArray(node)) {
    for (const n of node) claimedDocs(n, into);
  } else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if ((key === "docs" || key === "packageDocs") && Array.isArray(value)) {
        for (const d of value as ast.DocComment[]) into.add(d.span.start);
      } else if (key !== "span" && key !== "comments") {
        claimedDocs(value, into);
      }
    }
  }
  return into;
}

/** True when the whitespace right before `offset` holds a blank line. */
function blankLineBefore(source: string, offset: number): boolean {
  let newlines = 0;
  for (let i = offset - 1; i >= 0; i--) {
    const ch = source[i]!;
    if (ch === "\n") newlines++;
    else if (!/[ \t\r\f\uFEFF]/.test(ch)) break;
  }
  return newlines >= 2;
}

export function layout(source: string, document: ast.Document, tokens: readonly IToken[]): string {
  const comments = [...document.comments].sort((a, b) => a.span.start - b.span.start);
  const printer = new Printer(
    source,
    tokens,
    comments.map((c) => c.span.start),
  );
  const items = printer.items(document);

  // Every printed token, by source offset.
  const printed = new Map<number, Tok>();
  for (const item of items) forEachTok(item.doc, (t) => printed.set(t.offset, t));
  const printedOffsets = [...printed.keys()].sort((a, b) => a - b);
  const tokenStarts = tokens.map((t) => t.startOffset);
  const claimed = claimedDocs(document, new Set());

  const nextPrinted = (offset: number): number | undefined => printedOffsets[lowerBound(printedOffsets, offset)];
  const prevPrinted = (offset: number): number | undefined => printedOffsets[lowerBound(printedOffsets, offset) - 1];

  // A doc comment the parser did not attach must keep a token that claims no docs right after
  // it, or it would start documenting something. Find that token; it is forced to start a line.
  const unclaimedTarget = new Map<ast.Comment, number | undefined>();
  const breakBefore = new Set<number>();
  for (const c of comments) {
    if (!c.text.startsWith("///") || claimed.has(c.span.start)) continue;
    const next = tokenStarts[lowerBound(tokenStarts, c.span.end)];
    let target: number | undefined;
    if (next === undefined) target = undefined;
    else if (printed.has(next)) target = next;
    else {
      // The next token is not printed (a comma): move before the enclosing block's closing brace.
      const enclosing = printer.blocks
        .filter((b) => b.open < c.span.start && c.span.start < b.close)
        .sort((a, b) => a.close - a.open - (b.close - b.open))[0];
      if (enclosing) target = enclosing.close;
      else {
        target = undefined;
        for (let i = lowerBound(printedOffsets, c.span.end); i < printedOffsets.length; i++) {
          if (!printed.get(printedOffsets[i]!)!.member) {
            target = printedOffsets[i];
            break;
          }
        }
      }
    }
    unclaimedTarget.set(c, target);
    if (target !== undefined) breakBefore.add(target);
  }

  // Render.
  const lines: PlacedLine[] = [];
  items.forEach((item, index) => {
    render(item.doc, LINE_WIDTH, breakBefore).forEach((line, i) =>
      lines.push({ ...line, item: index, itemKind: item.kind, firstOfItem: i === 0 }),
    );
  });
  const lineOf = new Map<number, number>();
  const lineMax: number[] = [];
  lines.forEach((line, i) => {
    for (const offset of line.tokens) lineOf.set(offset, i);
    lineMax.push(Math.max(-1, ...line.tokens));
  });

  // Place comments: before a line, at the end of a line, or at the end of the file.
  const before = new Map<number, ast.Comment[]>();
  const trailing = new Map<number, ast.Comment>();
  const atEnd: ast.Comment[] = [];
  const putBefore = (offset: number | undefined, c: ast.Comment): void => {
    const line = offset === undefined ? undefined : lineOf.get(offset);
    if (line === undefined) {
      atEnd.push(c);
      return;
    }
    const list = before.get(line) ?? [];
    list.push(c);
    before.set(line, list);
  };
  for (const c of comments) {
    if (unclaimedTarget.has(c)) {
      putBefore(unclaimedTarget.get(c), c);
      continue;
    }
    if (c.text.startsWith("///")) {
      // Attached doc comments always go on their own line above what they document.
      putBefore(nextPrinted(c.span.end), c);
      continue;
    }
    const prevToken = tokens[lowerBound(tokenStarts, c.span.start) - 1];
    const ownLine = prevToken === undefined || /[\n\r]/.test(source.slice(prevToken.endOffset! + 1, c.span.start));
    if (!ownLine) {
      const prev = prevPrinted(c.span.start);
      const line = prev === undefined ? undefined : lineOf.get(prev);
      // Stays at the end of the line only if nothing on that line comes after it in the source.
      if (line !== undefined && prev !== undefined && lineMax[line]! <= prev && !trailing.has(line)) {
        trailing.set(line, c);
        continue;
      }
    }
    putBefore(nextPrinted(c.span.end), c);
  }

  // Assemble, deciding blank lines.
  type Entry =
    | { readonly kind: "code"; readonly line: number }
    | { readonly kind: "comment"; readonly comment: ast.Comment; readonly attached: number | undefined };
  const entries: Entry[] = [];
  lines.forEach((_, i) => {
    for (const c of before.get(i) ?? []) entries.push({ kind: "comment", comment: c, attached: i });
    entries.push({ kind: "code", line: i });
  });
  for (const c of atEnd) entries.push({ kind: "comment", comment: c, attached: undefined });

  const out: string[] = [];
  let previous: Entry | undefined;
  let previousItem = -1;
  for (const entry of entries) {
    const line =
      entry.kind === "code" ? lines[entry.line]! : entry.attached === undefined ? undefined : lines[entry.attached]!;
    const startsItem = line !== undefined && line.firstOfItem && line.item !== previousItem && previous !== undefined;
    let blank = false;
    if (previous === undefined) blank = false;
    else if (entry.kind === "code" && line!.first?.closer) blank = false;
    else if (previous.kind === "code" && lines[previous.line]!.text.endsWith("{")) blank = false;
    else if (
      startsItem &&
      line!.item > 0 &&
      !(line!.itemKind === "import" && items[line!.item - 1]?.kind === "import")
    ) {
      blank = true;
    } else if (
      line !== undefined &&
      !(line.first?.member ?? false) &&
      !(entry.kind === "comment" && line.first?.closer)
    ) {
      blank = false;
    } else {
      const start = entry.kind === "code" ? (line!.first?.offset ?? 0) : entry.comment.span.start;
      blank = blankLineBefore(source, start);
    }
    if (blank) out.push("");
    if (entry.kind === "code") {
      const l = lines[entry.line]!;
      const trail = trailing.get(entry.line);
      const code = INDENT.repeat(l.indent) + l.text;
      out.push(trail ? `${code} ${trail.text.trimEnd()}` : code);
      previousItem = l.item;
    } else {
      const level = line === undefined ? 0 : line.indent + (line.first?.closer ? 1 : 0);
      out.push(INDENT.repeat(level) + entry.comment.text.trimEnd());
      if (line) previousItem = line.item;
    }
    previous = entry;
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}
