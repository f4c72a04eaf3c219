/**
 * Property: `collectNames` (src/emit/prelude.ts), which decides the imports and prelude helpers of
 * every generated TypeScript file, finds exactly the names its reference regular expressions
 * find, on its one-pass scanner path as on its fallback, so the faster scan cannot change a
 * generated file. Texts are drawn from the characters that steer the scan: quotes, escapes,
 * line breaks, comment openers and identifier characters.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { collectNames } from "../src/emit/prelude.js";

/** The definition the scanner must match: strip comments and strings, then match identifiers. */
function reference(code: string): string[] {
  let text = code;
  if (text.includes("/")) text = text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");
  if (text.includes('"')) text = text.replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
  if (text.includes("'")) text = text.replace(/'(?:[^'\\\n]|\\.)*'/g, "''");
  return [...new Set(text.match(/[A-Za-z_$][\w$]*/g) ?? [])];
}

const pieces = ['"', "\\", "\n", "\r", "\u2028", " ", "a", "Z", "_", "$", "0", "9", "x1", "é", ".", "(", "/", "*", "'"];
const code = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((parts) => parts.join(""));
/** Without `'`, `/*` and `//`: the texts the scanner handles itself. */
const scanned = code.filter((t) => !t.includes("'") && !t.includes("/*") && !t.includes("//"));

/** Led by a doc comment, as generated declarations are. */
const documented = fc.tuple(code, code).map(([comment, rest]) => `/*${comment}*/${rest}`);

const collected = (text: string): string[] => {
  const names = new Set<string>();
  collectNames(text, names);
  return [...names];
};

it("finds the names the regular expressions find, in the same order", () => {
  fc.assert(
    fc.property(scanned, (text) => {
      expect(collected(text)).toEqual(reference(text));
    }),
    { numRuns: 5000 },
  );
  fc.assert(
    fc.property(code, (text) => {
      expect(collected(text)).toEqual(reference(text));
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(documented, (text) => {
      expect(collected(text)).toEqual(reference(text));
    }),
    { numRuns: 3000 },
  );
});

it("skips double-quoted strings, escapes included, and reads on after an unterminated one", () => {
  expect(collected('const a = "b \\" c" + d;')).toEqual(["const", "a", "d"]);
  expect(collected('x("unterminated\nnext')).toEqual(["x", "unterminated", "next"]);
  expect(collected('read("\\\n") + y')).toEqual(["read", "y"]);
});
