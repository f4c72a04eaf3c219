/**
 * Re-parsing an edited file from its previous parse: only the declarations the edit touches are
 * parsed again, the others are reused (their spans moved by the edit's change in length). This
 * keeps the language server's work after a keystroke in a large file proportional to the edited
 * declaration, not to the file.
 *
 * It gives up (the caller parses the whole file) whenever reuse could differ from a full parse:
 * either version has a syntax diagnostic, the edit touches the header (package, imports) or a
 * line break that separates declarations, or the edited region does not start and end on line
 * boundaries between declarations. A file without errors is a header followed by declarations
 * that each start on their own line, and a declaration's parse depends only on its own tokens
 * (the grammar's line gates compare lines within one declaration), so parsing the edited
 * declarations alone gives the same nodes as parsing the whole file.
 *
 * The declarations after the edit stay the very same nodes, their spans moved in place, so the
 * checker's memo (keyed by node, src/program/lowering-memo.ts) still finds them, and what it
 * lowered from them (which holds those span objects) moves with them: a length-changing edit
 * early in a file does not check, nor print again, every later declaration. The previous parse
 * is superseded by the returned one and must not be used again.
 */
import type { Comment, Declaration, Document, Span } from "../ast/nodes.js";
import type { Diagnostic } from "../diagnostics/types.js";
import { parse } from "../../grammar/parser.js";

type Parsed = ReturnType<typeof parse>;

/** Where a declaration's text begins: its first doc comment or annotation, or its keyword. */
function extentStart(declaration: Declaration): number {
  let start = declaration.span.start;
  const leading = declaration as { docs?: readonly { span: Span }[]; annotations?: readonly { span: Span }[] };
  const firstDoc = leading.docs?.[0];
  const firstAnnotation = leading.annotations?.[0];
  if (firstDoc !== undefined) start = Math.min(start, firstDoc.span.start);
  if (firstAnnotation !== undefined) start = Math.min(start, firstAnnotation.span.start);
  return start;
}

/** A copy of `node` with every span moved by `delta` (and set to `file`). */
function shifted<T>(node: T, delta: number, file: string): T {
  if (Array.isArray(node)) return node.map((n: unknown) => shifted(n, delta, file)) as T;
  if (node === null || typeof node !== "object") return node;
  const record = node as Record<string, unknown>;
  if (typeof record["start"] === "number" && typeof record["end"] === "number" && typeof record["file"] === "string")
    return { file, start: (record["start"] as number) + delta, end: (record["end"] as number) + delta } as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = shifted(record[key], delta, file);
  return out as T;
}

/** Moves every span under `node` by `delta`, in place, each span object once. */
function shiftInPlace(node: unknown, delta: number, seen: Set<object>): void {
  if (node === null || typeof node !== "object" || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const n of node) shiftInPlace(n, delta, seen);
    return;
  }
  const record = node as Record<string, unknown>;
  if (typeof record["start"] === "number" && typeof record["end"] === "number" && typeof record["file"] === "string") {
    (record as { start: number }).start += delta;
    (record as { end: number }).end += delta;
    return;
  }
  for (const key of Object.keys(record)) shiftInPlace(record[key], delta, seen);
}

function isClean(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.length === 0;
}

/**
 * The parse of `text` built from `previous` (the parse of `previousText`), or `undefined` when
 * only a full parse is sure to give the right answer.
 */
export function reparse(previousText: string, previous: Parsed, text: string, file: string): Parsed | undefined {
  if (!isClean(previous.diagnostics)) return undefined;
  const old = previous.document;
  const declarations = old.declarations;
  if (declarations.length === 0 || old.file !== file) return undefined;

  // The edited region: [prefix, oldEnd) in the old text became [prefix, newEnd) in the new one.
  const shortest = Math.min(previousText.length, text.length);
  let prefix = 0;
  while (prefix < shortest && previousText.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    previousText.charCodeAt(previousText.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)
  )
    suffix++;
  const oldEnd = previousText.length - suffix;
  const delta = text.length - previousText.length;

  // Declarations own the text from their extent start to the next one's (the last one to the end).
  const starts = declarations.map(extentStart);
  const boundary = (i: number): number => (i < starts.length ? starts[i]! : previousText.length);
  // Every boundary must start a line, and the header must end before the first declaration.
  let first = -1;
  for (let i = 0; i < declarations.length; i++) if (starts[i]! <= prefix) first = i;
  if (first < 0) return undefined; // the edit is in the header
  let last = first;
  while (last + 1 < declarations.length && starts[last + 1]! - 1 < oldEnd) last++;
  const sliceStart = boundary(first);
  const oldSliceEnd = boundary(last + 1);
  // The line break before each boundary must be outside the edit (it keeps declarations apart).
  if (sliceStart > 0 && previousText.charCodeAt(sliceStart - 1) !== 10) return undefined;
  if (oldSliceEnd < previousText.length && previousText.charCodeAt(oldSliceEnd - 1) !== 10) return undefined;
  const newSliceEnd = oldSliceEnd + delta;

  const slice = text.slice(sliceStart, newSliceEnd);
  const sliced = parse(slice, file);
  if (!isClean(sliced.diagnostics)) return undefined;
  const fresh = sliced.document;
  // A slice with a header line (the edit typed `package` or `import`) is not a run of declarations.
  if (fresh.packageName !== undefined || fresh.imports.length > 0 || fresh.packageDocs.length > 0) return undefined;
  const before = declarations.slice(0, first);
  const after = declarations.slice(last + 1);
  const comments: Comment[] = [
    ...old.comments.filter((c) => c.span.end <= sliceStart),
    ...shifted(fresh.comments, sliceStart, file),
    ...(delta === 0
      ? old.comments.filter((c) => c.span.start >= oldSliceEnd)
      : shifted(
          old.comments.filter((c) => c.span.start >= oldSliceEnd),
          delta,
          file,
        )),
  ];
  if (delta !== 0) shiftInPlace(after, delta, new Set());
  const document: Document = {
    ...old,
    declarations: [...before, ...shifted(fresh.declarations, sliceStart, file), ...after],
    comments,
    span: { file, start: 0, end: text.length },
  };
  return { document, diagnostics: [] };
}
