/** Character offsets (the compiler's spans) to LSP ranges (0-based lines, UTF-16 characters). */
import type { Position, Range } from "vscode-languageserver/node.js";
import type { Span } from "../ast/nodes.js";
import { lineStarts, positionAt } from "../diagnostics/position.js";

/** Converts offsets of one text; builds the line table once. */
export class OffsetMap {
  private readonly starts: number[];
  constructor(private readonly text: string) {
    this.starts = lineStarts(text);
  }

  position(offset: number): Position {
    const p = positionAt(this.starts, Math.max(0, Math.min(offset, this.text.length)));
    return { line: p.line - 1, character: p.column - 1 };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  spanRange(span: Span): Range {
    return this.range(span.start, span.end);
  }

  offset(position: Position): number {
    const lineStart = this.starts[Math.min(Math.max(position.line, 0), this.starts.length - 1)] ?? 0;
    const lineEnd = position.line + 1 < this.starts.length ? this.starts[position.line + 1]! - 1 : this.text.length;
    if (position.line >= this.starts.length) return this.text.length;
    return Math.min(lineStart + Math.max(position.character, 0), lineEnd);
  }
}
