/**
 * Fixed helper code at the top of a generated file, kept only where the file uses it: a
 * generated file must stay clean under `noUnusedLocals`. The prelude is split into its
 * top-level declarations (each with its doc comment); exported ones always stay, the others
 * when the rest of the file, or a helper that stays, names them.
 */
interface PreludePart {
  readonly name: string;
  readonly text: string;
  /** The names its code uses (found once: a prelude is fixed text, asked for on every build). */
  readonly uses: ReadonlySet<string>;
  readonly exported: boolean;
  /** Whether a blank line separates it from the declaration before it. */
  readonly blankBefore: boolean;
}

const DECLARATION = /^(?:export )?(?:const|function|type|interface|class) ([A-Za-z_$][\w$]*)/m;

function split(text: string): PreludePart[] {
  const chunks: { lines: string[]; blankBefore: boolean; commentOnly: boolean }[] = [];
  let blank = false;
  let inComment = false;
  for (const line of text.split("\n")) {
    if (line === "") {
      blank = true;
      continue;
    }
    const current = chunks.at(-1);
    const startsComment = line.startsWith("/**");
    const startsDeclaration = DECLARATION.test(line);
    if (!inComment && (startsComment || (startsDeclaration && !(current?.commentOnly ?? false)))) {
      chunks.push({ lines: [line], blankBefore: blank, commentOnly: startsComment });
    } else {
      current!.lines.push(line);
      if (!inComment && !startsComment) current!.commentOnly = false;
    }
    if (startsComment && !line.includes("*/")) inComment = true;
    else if (inComment && line.includes("*/")) inComment = false;
    blank = false;
  }
  return chunks.map((c) => {
    const body = c.lines.join("\n");
    const match = DECLARATION.exec(body);
    if (!match) throw new Error(`prelude part without a declaration: ${body.slice(0, 80)}`);
    return {
      name: match[1]!,
      text: body,
      uses: names(body),
      exported: body.includes(`export ${match[0].split(" ")[1]}`) || /^export /m.test(body),
      blankBefore: c.blankBefore,
    };
  });
}

/** Code without string literals and comments, for finding the names it uses. */
function codeOnly(text: string): string {
  // Each pass only when its first character occurs (this runs over every generated statement).
  let code = text;
  if (code.includes("/")) code = code.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");
  if (code.includes('"')) code = code.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  if (code.includes("'")) code = code.replace(/'(?:[^'\\\n]|\\.)*'/g, "''");
  return code;
}

function names(text: string): Set<string> {
  return new Set(codeOnly(text).match(/[A-Za-z_$][\w$]*/g) ?? []);
}

/** A prelude that keeps only what `code` (the rest of the file) needs. */
export class Prelude {
  readonly #parts: PreludePart[];
  constructor(text: string) {
    this.#parts = split(text);
  }

  /** The prelude text for a file whose other code uses the names `used`; empty when nothing is needed. */
  for(used: ReadonlySet<string>): string {
    const keep = new Set<PreludePart>();
    const pending = this.#parts.filter((p) => p.exported || used.has(p.name));
    while (pending.length > 0) {
      const part = pending.pop()!;
      if (keep.has(part)) continue;
      keep.add(part);
      for (const other of this.#parts)
        if (!keep.has(other) && other !== part && part.uses.has(other.name)) pending.push(other);
    }
    let out = "";
    for (const part of this.#parts) {
      if (!keep.has(part)) continue;
      out += out === "" ? part.text : `${part.blankBefore ? "\n\n" : "\n"}${part.text}`;
    }
    return out;
  }

  /** Whether a name used by `code` is one of the prelude's declarations. */
  declares(name: string): boolean {
    return this.#parts.some((p) => p.name === name);
  }
}

/** Adds the identifiers `code` uses outside strings and comments to `into`. */
export function collectNames(code: string, into: Set<string>): void {
  // Most printed statements have no comment and no single-quoted string: one scan, without the
  // copies of the text the replacements make and the array `match` builds (this runs over every
  // generated statement of a build). It finds exactly what the regular expressions find.
  if (!code.includes("'") && !code.includes("/*") && !code.includes("//")) {
    scanNames(code, into, 0);
    return;
  }
  // A statement led by its doc comment (`/** ... */`) and without other comments or `'`: the
  // comment is dropped as the expressions drop it, and the code after it scanned.
  if (code.startsWith("/*")) {
    const end = code.indexOf("*/", 2) + 2;
    if (end > 1 && code.indexOf("'", end) < 0 && code.indexOf("/*", end) < 0 && code.indexOf("//", end) < 0) {
      scanNames(code, into, end);
      return;
    }
  }
  for (const name of codeOnly(code).match(/[A-Za-z_$][\w$]*/g) ?? []) into.add(name);
}

/** `[A-Za-z_$]`. */
const identifierStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
/** `[\w$]`. */
const identifierPart = (c: number): boolean => identifierStart(c) || (c >= 48 && c <= 57);

/**
 * The identifiers of `code` from `from` on outside double-quoted strings, in order: what
 * `code.replace(/"(?:[^"\\\n]|\\.)*"/g, '""').match(/[A-Za-z_$][\w$]*\/g)` finds, in one pass.
 */
function scanNames(code: string, into: Set<string>, from: number): void {
  const n = code.length;
  let i = from;
  while (i < n) {
    const c = code.charCodeAt(i);
    if (c === 34) {
      const end = stringEnd(code, i);
      i = end < 0 ? i + 1 : end; // an unterminated quote is only a character, as for the expression
    } else if (identifierStart(c)) {
      let j = i + 1;
      while (j < n && identifierPart(code.charCodeAt(j))) j++;
      into.add(code.slice(i, j));
      i = j;
    } else i++;
  }
}

/** The index after the string literal opened by the `"` at `start`, or -1 when the line ends first. */
function stringEnd(code: string, start: number): number {
  const n = code.length;
  for (let j = start + 1; j < n; j++) {
    const c = code.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c === 10) return -1;
    if (c === 92) {
      // `\\.`: any character but a line terminator follows the backslash.
      const next = j + 1 < n ? code.charCodeAt(j + 1) : 10;
      if (next === 10 || next === 13 || next === 0x2028 || next === 0x2029) return -1;
      j++;
    }
  }
  return -1;
}
