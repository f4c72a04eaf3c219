/**
 * Builds a string that an ECMAScript pattern matches, for examples. Handles the usual subset
 * (literals, escapes, classes, groups, alternation, quantifiers, anchors); every candidate is
 * checked with the real `RegExp`, so an unsupported pattern yields `undefined`, never a wrong example.
 */

type Node =
  | { readonly kind: "chars"; readonly choices: string[] }
  | { readonly kind: "seq"; readonly items: Node[] }
  | { readonly kind: "alt"; readonly options: Node[] }
  | { readonly kind: "repeat"; readonly node: Node; readonly min: number; readonly max: number }
  | { readonly kind: "empty" };

const DIGITS = "0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = LOWER.toUpperCase();
const WORD = `${LOWER}${UPPER}${DIGITS}_`;
const PRINTABLE = `${LOWER}${UPPER}${DIGITS} _-.@:/+!?,;=~*'()#$%&`;

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new Error("unexpected )");
    return node;
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.i] === "|") {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { kind: "alt", options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return { kind: "seq", items };
  }

  private quantified(atom: Node): Node {
    const c = this.src[this.i];
    let min: number;
    let max: number;
    if (c === "*") [min, max] = [0, Infinity];
    else if (c === "+") [min, max] = [1, Infinity];
    else if (c === "?") [min, max] = [0, 1];
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      this.i += m[0].length - 1;
    } else return atom;
    this.i++;
    if (this.src[this.i] === "?") this.i++;
    return { kind: "repeat", node: atom, min, max };
  }

  private atom(): Node {
    const c = this.src[this.i]!;
    this.i++;
    switch (c) {
      case "^":
      case "$":
        return { kind: "empty" };
      case ".":
        return { kind: "chars", choices: [...LOWER] };
      case "(": {
        if (this.src.startsWith("?:", this.i)) this.i += 2;
        else if (this.src[this.i] === "?") throw new Error("lookaround");
        const inner = this.alternation();
        if (this.src[this.i] !== ")") throw new Error("unclosed group");
        this.i++;
        return inner;
      }
      case "[":
        return this.charClass();
      case "\\":
        return { kind: "chars", choices: this.escape(false) };
      default:
        return { kind: "chars", choices: [c] };
    }
  }

  private escape(inClass: boolean): string[] {
    const c = this.src[this.i]!;
    this.i++;
    switch (c) {
      case "d":
        return [...DIGITS];
      case "w":
        return [...WORD];
      case "s":
        return [" "];
      case "D":
        return [...LOWER];
      case "W":
        return ["-", " "];
      case "S":
        return [...LOWER];
      case "n":
        return ["\n"];
      case "t":
        return ["\t"];
      case "b":
        if (inClass) return ["\b"];
        throw new Error("word boundary");
      case "u": {
        const m = /^[0-9A-Fa-f]{4}/.exec(this.src.slice(this.i));
        if (!m) throw new Error("escape");
        this.i += 4;
        return [String.fromCharCode(parseInt(m[0], 16))];
      }
      default:
        if (/[0-9]/.test(c)) throw new Error("backreference");
        return [c];
    }
  }

  private charClass(): Node {
    let negated = false;
    if (this.src[this.i] === "^") {
      negated = true;
      this.i++;
    }
    const set = new Set<string>();
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== "]" || first)) {
      first = false;
      let from: string[];
      if (this.src[this.i] === "\\") {
        this.i++;
        from = this.escape(true);
      } else from = [this.src[this.i++]!];
      if (
        from.length === 1 &&
        this.src[this.i] === "-" &&
        this.src[this.i + 1] !== "]" &&
        this.i + 1 < this.src.length
      ) {
        this.i++;
        let to: string;
        if (this.src[this.i] === "\\") {
          this.i++;
          to = this.escape(true)[0]!;
        } else to = this.src[this.i++]!;
        for (let code = from[0]!.codePointAt(0)!; code <= to.codePointAt(0)!; code++)
          set.add(String.fromCodePoint(code));
      } else from.forEach((ch) => set.add(ch));
    }
    if (this.src[this.i] !== "]") throw new Error("unclosed class");
    this.i++;
    const choices = negated ? [...PRINTABLE].filter((ch) => !set.has(ch)) : prefer([...set]);
    if (choices.length === 0) throw new Error("empty class");
    return { kind: "chars", choices };
  }
}

/** Letters first, then digits, then the rest, so examples read naturally. */
function prefer(chars: string[]): string[] {
  const rank = (ch: string) => (LOWER.includes(ch) ? 0 : UPPER.includes(ch) ? 1 : DIGITS.includes(ch) ? 2 : 3);
  return [...chars].sort((a, b) => rank(a) - rank(b));
}

/** Generates with each repeat taking `min + extra` (capped), cycling through class choices. */
function generate(node: Node, extra: number, counter: { n: number }): string {
  switch (node.kind) {
    case "empty":
      return "";
    case "chars":
      return node.choices[counter.n++ % node.choices.length]!;
    case "seq":
      return node.items.map((n) => generate(n, extra, counter)).join("");
    case "alt":
      return generate(node.options[0]!, extra, counter);
    case "repeat": {
      const times = Math.min(node.max, node.min + extra);
      let out = "";
      for (let k = 0; k < times; k++) out += generate(node.node, extra, counter);
      return out;
    }
  }
}

/** A string matched by `pattern` (as a search, no flags) that `accept` also accepts, or `undefined`. */
export function patternExample(pattern: string, accept: (s: string) => boolean = () => true): string | undefined {
  let regex: RegExp;
  let tree: Node;
  try {
    regex = new RegExp(pattern);
    tree = new Parser(pattern).parse();
  } catch {
    return undefined;
  }
  for (const extra of [0, 1, 2, 3, 5, 8, 13, 21, 34, 55]) {
    const candidate = generate(tree, extra, { n: 0 });
    if (regex.test(candidate) && accept(candidate)) return candidate;
  }
  return undefined;
}
