/**
 * Where the cursor is, for completion, read from the text before it. The text is often
 * incomplete while typing, so this looks at characters rather than at the syntax tree.
 */

export type CompletionContext =
  | { readonly kind: "annotation"; readonly leading: boolean }
  /** Inside `@name(...)`: `@references(` wants a model, `@emits(` an event. */
  | { readonly kind: "argument"; readonly annotation: string }
  | { readonly kind: "type" }
  | { readonly kind: "method" }
  | { readonly kind: "event" }
  /** At the start of a statement: `owner` is the enclosing declaration keyword, or top level. */
  | { readonly kind: "keyword"; readonly owner: string | undefined }
  | { readonly kind: "none" };

/** Blanks string contents and marks comments with NULs, so that brackets and `@` inside them do not count. */
function code(text: string): string {
  return text
    .replace(/"(?:[^"\\\n]|\\.)*("?)/g, (s, close: string) => `"${" ".repeat(s.length - 1 - close.length)}${close}`)
    .replace(/\/\/[^\n]*/g, (s) => "\0".repeat(s.length));
}

/** The keyword of the top-level declaration whose body the end of `before` is in, and the brace depth. */
function enclosing(before: string): { owner: string | undefined; depth: number } {
  let depth = 0;
  let owner: string | undefined;
  const re = /[{}]|\b(alias|record|enum|endpoint|sse|websocket|upload|worker|event|service|workflow|model)\b/g;
  for (let m = re.exec(before); m; m = re.exec(before)) {
    if (m[0] === "{") depth++;
    else if (m[0] === "}") depth = Math.max(0, depth - 1);
    else if (depth === 0) owner = m[1];
  }
  return { owner: depth > 0 ? owner : undefined, depth };
}

function unclosed(line: string, open: string, close: string): number {
  let depth = 0;
  for (let i = line.length - 1; i >= 0; i--) {
    if (line[i] === close) depth++;
    else if (line[i] === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

export function completionContext(text: string, offset: number): CompletionContext {
  const before = code(text.slice(0, offset));
  const line = before.slice(before.lastIndexOf("\n") + 1);
  if (line.includes("\0") || (line.match(/"/g)?.length ?? 0) % 2 === 1) return { kind: "none" };

  const at = /@([A-Za-z_]\w*)?$/.exec(line);
  if (at) return { kind: "annotation", leading: line.slice(0, at.index).trim() === "" };
  const paren = unclosed(line, "(", ")");
  if (paren >= 0) {
    const name = /@([A-Za-z_]\w*)\s*$/.exec(line.slice(0, paren));
    return name ? { kind: "argument", annotation: name[1]! } : { kind: "none" };
  }
  if (/^\s*(endpoint|service|upload)\s+\w+\s*:\s*\w*$/.test(line)) return { kind: "method" };
  if (/^\s*websocket\s+\w+\s*:\s*\w*$/.test(line)) return { kind: "none" };
  if (/\btrigger\s+\w*$/.test(line)) return { kind: "event" };
  if (unclosed(line, "<", ">") >= 0 && /[<,]\s*\w*$/.test(line)) return { kind: "type" };
  if (
    /:\s*\w*$/.test(line) ||
    /^\s*alias\s+\w+\s*=\s*\w*$/.test(line) ||
    /^\s*(request|response)\s+\w*$/.test(line) ||
    /->\s*\w*$/.test(line)
  ) {
    return { kind: "type" };
  }
  if (/^\s*(@\w+(\([^)]*\))?\s*)*\w*$/.test(line)) {
    const { owner, depth } = enclosing(before.slice(0, before.length - line.length));
    if (depth === 0) return { kind: "keyword", owner: undefined };
    if (depth === 1) return { kind: "keyword", owner };
  }
  return { kind: "none" };
}
