/**
 * A layout document and its printer: the same model and line-fitting algorithm as Prettier's
 * (Wadler's "prettier printer": groups print flat when they fit in the remaining width, or
 * break), so emitters that build the documents Prettier builds for a construct print exactly
 * what Prettier prints, without parsing anything. Only the parts generated code needs: text,
 * groups (with alternative layouts), indentation, line breaks and break-dependent text.
 */
export type Doc = string | readonly Doc[] | Group | Indent | Line | IfBreak | IndentIfBreak | BreakParent;

interface Group {
  readonly type: "group";
  readonly contents: Doc;
  /** Set when the group must break (explicitly, or because it contains a hard line). */
  break: boolean;
  /** `conditionalGroup`: layouts tried in order when the group does not fit flat. */
  readonly expandedStates: readonly Doc[] | undefined;
  /** Lets `indentIfBreak`/`ifBreak` elsewhere depend on how this group printed. */
  readonly id: symbol | undefined;
  /** The `printDoc` call that last visited it in `propagateBreaks` (cheaper than a visited set). */
  visited: number;
}
interface Indent {
  readonly type: "indent";
  readonly contents: Doc;
}
interface Line {
  readonly type: "line";
  /** A soft line prints nothing when flat; a plain line prints a space. */
  readonly soft: boolean;
  readonly hard: boolean;
}
interface IfBreak {
  readonly type: "if-break";
  readonly breakContents: Doc;
  readonly flatContents: Doc;
  readonly groupId?: symbol;
}
interface IndentIfBreak {
  readonly type: "indent-if-break";
  readonly contents: Doc;
  readonly groupId: symbol;
}
interface BreakParent {
  readonly type: "break-parent";
}

export const line: Line = { type: "line", soft: false, hard: false };
export const softline: Line = { type: "line", soft: true, hard: false };
const hardlineOnly: Line = { type: "line", soft: false, hard: true };
export const breakParent: BreakParent = { type: "break-parent" };
/** A line break that always breaks, and breaks every enclosing group. */
export const hardline: Doc = [hardlineOnly, breakParent];

export function group(contents: Doc, options: { shouldBreak?: boolean; id?: symbol } = {}): Group {
  // Every group has the same fields in the same order, so the printer's property reads stay monomorphic.
  return {
    type: "group",
    contents,
    break: options.shouldBreak ?? false,
    expandedStates: undefined,
    id: options.id,
    visited: 0,
  };
}

/** Indents `contents` when the group `groupId` broke (Prettier's `indentIfBreak`). */
export function indentIfBreak(contents: Doc, groupId: symbol): IndentIfBreak {
  return { type: "indent-if-break", contents, groupId };
}

/** Tries each layout in turn (the first flat, the others as printed) and keeps the first that fits. */
export function conditionalGroup(states: readonly Doc[], options: { shouldBreak?: boolean } = {}): Group {
  return {
    type: "group",
    contents: states[0]!,
    break: options.shouldBreak ?? false,
    expandedStates: states,
    id: undefined,
    visited: 0,
  };
}

export function indent(contents: Doc): Indent {
  return { type: "indent", contents };
}

export function ifBreak(breakContents: Doc, flatContents: Doc = "", groupId?: symbol): IfBreak {
  return groupId === undefined
    ? { type: "if-break", breakContents, flatContents }
    : { type: "if-break", breakContents, flatContents, groupId };
}

export function join(separator: Doc, docs: readonly Doc[]): Doc[] {
  const out: Doc[] = [];
  docs.forEach((d, i) => {
    if (i > 0) out.push(separator);
    out.push(d);
  });
  return out;
}

/** True when the document contains a forced break (Prettier's `willBreak`). */
export function willBreak(doc: Doc): boolean {
  if (typeof doc === "string") return false;
  if (Array.isArray(doc)) return (doc as readonly Doc[]).some(willBreak);
  const d = doc as Exclude<Doc, string | readonly Doc[]>;
  switch (d.type) {
    case "group":
      return d.break || willBreak(d.contents);
    case "indent":
    case "indent-if-break":
      return willBreak(d.contents);
    case "line":
      return d.hard;
    case "if-break":
      return willBreak(d.breakContents) || willBreak(d.flatContents);
    case "break-parent":
      return true;
  }
}

/** Marks every group that contains a forced break as broken (not conditional groups). */
function propagateBreaks(doc: Doc, visited: number): boolean {
  if (typeof doc === "string") return false;
  if (Array.isArray(doc)) {
    const parts = doc as readonly Doc[];
    let any = false;
    for (let i = 0; i < parts.length; i++) {
      const d = parts[i]!;
      // Strings are most of the leaves: skip them without a call.
      if (typeof d !== "string" && propagateBreaks(d, visited)) any = true;
    }
    return any;
  }
  const d = doc as Exclude<Doc, string | readonly Doc[]>;
  switch (d.type) {
    case "break-parent":
      return true;
    case "line":
      return false;
    case "indent":
    case "indent-if-break":
      return propagateBreaks(d.contents, visited);
    case "if-break": {
      const a = propagateBreaks(d.breakContents, visited);
      const b = propagateBreaks(d.flatContents, visited);
      return a || b;
    }
    case "group": {
      if (d.visited === visited) return d.break;
      d.visited = visited;
      let inner = false;
      if (d.expandedStates) {
        for (const s of d.expandedStates) if (propagateBreaks(s, visited)) inner = true;
      } else inner = propagateBreaks(d.contents, visited);
      // A conditional group keeps its own choice; Prettier callers add `breakParent` beside it.
      if (inner && !d.expandedStates) d.break = true;
      return d.break;
    }
  }
}

const FLAT = 0;
const BREAK = 1;
type Mode = typeof FLAT | typeof BREAK;

/** Code points of `text` (what Prettier measures for the characters we emit), fast for ASCII. */
function width(text: string): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      // Generated code is ASCII except inside strings and comments; count code points like
      // Prettier does for the characters we emit (no wide East Asian characters are measured specially).
      let count = 0;
      for (const _ of text) count++;
      return count;
    }
  }
  return n;
}

/**
 * The printer's command stack as parallel arrays (indentation, mode, document): printing a
 * large file pushes millions of commands, and objects per command were most of its garbage.
 */
class Commands {
  indents: number[] = [];
  modes: Mode[] = [];
  docs: Doc[] = [];
  length = 0;
  push(indent: number, mode: Mode, doc: Doc): void {
    const i = this.length++;
    this.indents[i] = indent;
    this.modes[i] = mode;
    this.docs[i] = doc;
  }
}

/** The stack `fits` measures with, reused between calls. */
const fitModes: Mode[] = [];
const fitDocs: Doc[] = [];

function fits(
  mode0: Mode,
  doc0: Doc,
  rest: Commands,
  remaining: number,
  mustBeFlat: boolean,
  groupModes: Map<symbol, Mode>,
): boolean {
  let restIndex = rest.length;
  let top = 0;
  fitModes[top] = mode0;
  fitDocs[top++] = doc0;
  while (remaining >= 0) {
    if (top === 0) {
      if (restIndex === 0) return true;
      restIndex--;
      fitModes[top] = rest.modes[restIndex]!;
      fitDocs[top++] = rest.docs[restIndex]!;
      continue;
    }
    top--;
    const mode = fitModes[top]!;
    const doc = fitDocs[top]!;
    if (typeof doc === "string") {
      remaining -= width(doc);
      continue;
    }
    if (Array.isArray(doc)) {
      const parts = doc as readonly Doc[];
      for (let i = parts.length - 1; i >= 0; i--) {
        fitModes[top] = mode;
        fitDocs[top++] = parts[i]!;
      }
      continue;
    }
    const d = doc as Exclude<Doc, string | readonly Doc[]>;
    switch (d.type) {
      case "indent":
      case "indent-if-break":
        fitModes[top] = mode;
        fitDocs[top++] = d.contents;
        break;
      case "group": {
        if (mustBeFlat && d.break) return false;
        const groupMode = d.break ? BREAK : mode;
        const contents = d.expandedStates && groupMode === BREAK ? d.expandedStates.at(-1)! : d.contents;
        fitModes[top] = groupMode;
        fitDocs[top++] = contents;
        break;
      }
      case "if-break": {
        const groupMode = d.groupId === undefined ? mode : (groupModes.get(d.groupId) ?? FLAT);
        fitModes[top] = mode;
        fitDocs[top++] = groupMode === BREAK ? d.breakContents : d.flatContents;
        break;
      }
      case "line":
        if (mode === BREAK || d.hard) return true;
        if (!d.soft) remaining -= 1;
        break;
      case "break-parent":
        break;
    }
  }
  return false;
}

/** Whether `text` ends with a space or a tab. */
function endsWithBlank(text: string): boolean {
  const c = text.charCodeAt(text.length - 1);
  return c === 32 || c === 9;
}

/** `"\n"` and `indent` spaces, made once per width: a large file breaks millions of lines. */
const newlines: string[] = [];
function newlineIndent(indent: number): string {
  return (newlines[indent] ??= "\n" + " ".repeat(indent));
}

/** Prints a document at `printWidth` columns with two-space indentation. */
let printCount = 0;

export function printDoc(doc: Doc, printWidth: number): string {
  propagateBreaks(doc, ++printCount);
  const out: string[] = [];
  let position = 0;
  let shouldRemeasure = false;
  const groupModes = new Map<symbol, Mode>();
  const commands = new Commands();
  commands.push(0, BREAK, doc);
  const trimTrailing = () => {
    // Drop spaces written at the end of the line (Prettier's `trim`).
    while (out.length > 0) {
      const last = out[out.length - 1]!;
      if (!endsWithBlank(last)) break;
      const trimmed = last.replace(/[ \t]+$/, "");
      if (trimmed === "") out.pop();
      else {
        out[out.length - 1] = trimmed;
        break;
      }
    }
  };
  while (commands.length > 0) {
    const top = --commands.length;
    const ind = commands.indents[top]!;
    const mode = commands.modes[top]!;
    const d = commands.docs[top]!;
    if (typeof d === "string") {
      if (d !== "") {
        out.push(d);
        position += width(d);
      }
      continue;
    }
    if (Array.isArray(d)) {
      const parts = d as readonly Doc[];
      for (let i = parts.length - 1; i >= 0; i--) commands.push(ind, mode, parts[i]!);
      continue;
    }
    const node = d as Exclude<Doc, string | readonly Doc[]>;
    switch (node.type) {
      case "indent":
        commands.push(ind + 2, mode, node.contents);
        break;
      case "group": {
        if (mode === FLAT && !shouldRemeasure) {
          const m = node.break ? BREAK : FLAT;
          commands.push(ind, m, node.contents);
          if (node.id !== undefined) groupModes.set(node.id, m);
          break;
        }
        shouldRemeasure = false;
        const remaining = printWidth - position;
        if (!node.break && fits(FLAT, node.contents, commands, remaining, false, groupModes)) {
          commands.push(ind, FLAT, node.contents);
          if (node.id !== undefined) groupModes.set(node.id, FLAT);
          break;
        }
        if (!node.expandedStates) {
          commands.push(ind, BREAK, node.contents);
          if (node.id !== undefined) groupModes.set(node.id, BREAK);
          break;
        }
        let chosen: Doc | undefined;
        if (!node.break) {
          for (let i = 1; i < node.expandedStates.length - 1; i++) {
            const state = node.expandedStates[i]!;
            if (fits(FLAT, state, commands, remaining, false, groupModes)) {
              chosen = state;
              break;
            }
          }
        }
        if (chosen !== undefined) commands.push(ind, FLAT, chosen);
        else commands.push(ind, BREAK, node.expandedStates.at(-1)!);
        break;
      }
      case "if-break": {
        const groupMode = node.groupId === undefined ? mode : groupModes.get(node.groupId);
        const contents = groupMode === BREAK ? node.breakContents : groupMode === FLAT ? node.flatContents : "";
        if (contents !== "") commands.push(ind, mode, contents);
        break;
      }
      case "indent-if-break": {
        const groupMode = groupModes.get(node.groupId);
        if (groupMode === BREAK) commands.push(ind + 2, mode, node.contents);
        else if (groupMode === FLAT) commands.push(ind, mode, node.contents);
        break;
      }
      case "line":
        if (mode === FLAT && !node.hard) {
          if (!node.soft) {
            out.push(" ");
            position += 1;
          }
          break;
        }
        if (mode === FLAT) shouldRemeasure = true;
        trimTrailing();
        out.push(newlineIndent(ind));
        position = ind;
        break;
      case "break-parent":
        break;
    }
  }
  return concatenate(out);
}

/**
 * `parts.join("")` as one flat one-byte string. On Node 20 (V8 11), `Array.prototype.join` makes a
 * two-byte result when any part is a "thin" string (a schema name V8 internalized in place after
 * it was used as a property key), although the text is ASCII: the printed files took twice their
 * size in memory. Concatenation looks through thin strings; reading a character flattens the
 * result at once (faster than `join` too).
 */
function concatenate(parts: readonly string[]): string {
  let text = "";
  for (let i = 0; i < parts.length; i++) text += parts[i];
  text.charCodeAt(0);
  return text;
}
