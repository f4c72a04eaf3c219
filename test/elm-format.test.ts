/**
 * The Elm emitter prints elm-format's layout itself (emitters/elm/printer.ts); a build never runs
 * elm-format. These tests keep the promise that users' elm-format leaves the output alone: one
 * `elm-format --validate` run over every Elm golden, the committed Horatio output, and the freshly
 * emitted modules of every corpus schema, shared example and edge schema; and one run over
 * modules printing random strings and doc text through the printer.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { elmString } from "../emitters/elm/context.js";
import { docComment, paragraph, userParagraphs } from "../emitters/elm/doc-comment.js";
import { printModule } from "../emitters/elm/module-file.js";
import { valueDeclaration } from "../emitters/elm/printer.js";
import { repoRoot } from "./support/corpus.js";
import { bareSchemaFile, emptySchemaFile, textSchemaFile } from "./support/elm-edge.js";
import { elmCases, elmFormatBin, emitElm, schemaOf } from "./support/elm-project.js";

const work = mkdtempSync(join(tmpdir(), "hamlet-elm-format-"));
afterAll(() => (process.env.KEEP ? undefined : rmSync(work, { recursive: true, force: true })));

interface Unformatted {
  readonly path: string;
  readonly message: string;
}

/** One elm-format run over `paths`; the files it would change, each with its first changed line. */
function validate(paths: readonly string[]): string[] {
  const result = spawnSync(elmFormatBin, ["--validate", "--elm-version=0.19", ...paths], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  const reported = JSON.parse(result.stdout.trim() || "[]") as Unformatted[];
  if (result.status !== 0 && reported.length === 0) throw new Error(`elm-format failed: ${result.stderr}`);
  return reported.map(({ path, message }) => {
    const source = readFileSync(path, "utf8");
    const formatted = spawnSync(elmFormatBin, ["--stdin", "--elm-version=0.19"], { input: source, encoding: "utf8" });
    const ours = source.split("\n");
    const theirs = formatted.stdout.split("\n");
    const line = ours.findIndex((l, i) => l !== theirs[i]);
    return `${path}: ${message}\n  line ${line + 1}: ${JSON.stringify(ours[line])}\n  elm-format: ${JSON.stringify(theirs[line])}`;
  });
}

describe.skipIf(!existsSync(elmFormatBin))("elm-format leaves the Elm emitter's output unchanged", () => {
  it("for every golden, the Horatio app, and every corpus, example and edge schema", async () => {
    const cases = [
      ...elmCases(),
      { name: "bare", entry: bareSchemaFile() },
      { name: "text", entry: textSchemaFile() },
      { name: "empty", entry: emptySchemaFile() },
    ];
    const emitted = join(work, "emitted");
    for (const { name, entry } of cases) {
      for (const file of await emitElm(schemaOf(entry), "My.Api")) {
        if (file.path.startsWith("Hamlet/")) continue;
        const path = join(emitted, name, file.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.content);
      }
    }
    const horatio = join(repoRoot, "examples", "horatio", "generated", "elm", "Api");
    const paths = [join(repoRoot, "test", "golden", "elm"), horatio, emitted];
    expect(validate(paths), "files elm-format would change").toEqual([]);
  }, 60_000);

  it("for string literals and doc comments of any text", () => {
    // Characters that Markdown, Elm string syntax or elm-format's escaping treat specially. Bare
    // URIs end with a space and a lone `<` or `>` is left out: a URI running into `<` is where
    // elm-format itself is not idempotent (emitters/elm/README.md, "Doc comments").
    const char = fc.oneof(
      fc.constantFrom(..."<>ab Z09_*`\\\"'-{}[]()#&!.:;/|~^+=@$%?,\t\n\r"),
      fc.constantFrom("é", "✓", "日", "😀", "\u00a0", "\u200b", "\u2028", "\u0007", "\u007f", "\u0085", "\u3000"),
      fc.constantFrom("http://x.org/a_b ", "mailto:a@b.c ", "[t](u_v)", "<b>", "<https://e.x>", "``a`b``", "-}", "{-"),
    );
    const text = fc.array(char, { maxLength: 24 }).map((parts) => parts.join(""));
    const docLine = text.map((t) => t.replace(/[\n\r\u2028]/g, " "));
    const samples = fc.sample(fc.tuple(text, fc.array(docLine, { maxLength: 4 })), { numRuns: 500, seed: 12 });
    const dir = join(work, "random");
    mkdirSync(dir, { recursive: true });
    const paths = samples.map(([value, doc], i) => {
      const path = join(dir, `Sample${i}.elm`);
      const declaration = valueDeclaration({
        doc: docComment(userParagraphs(doc)),
        name: "value",
        annotation: "String",
        body: elmString(value),
      });
      writeFileSync(
        path,
        printModule({
          name: `Sample${i}`,
          exposing: ["value"],
          // Without a module comment, elm-format would take the value's comment for the module's.
          doc: docComment([paragraph("A sample.")]),
          imports: [],
          declarations: [declaration],
        }),
      );
      return path;
    });
    expect(validate(paths), "files elm-format would change").toEqual([]);
  }, 60_000);
});
