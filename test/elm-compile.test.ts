/**
 * The Elm emitter's output compiles with the real Elm compiler: for every golden case, the
 * generated modules and the runtime copies go into a throwaway project with the pinned official
 * packages and a Main.elm importing every generated module; `elm make` must succeed.
 * (That elm-format leaves the output unchanged is checked in test/elm-format.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { bareSchemaFile, emptySchemaFile, textSchemaFile } from "./support/elm-edge.js";
import { elmCases, elmProject, elmReady, emitElm, generatedModules, runElm, schemaOf } from "./support/elm-project.js";

const ready = elmReady("test/elm-compile.test.ts");

function mainModule(modules: readonly string[]): string {
  return [
    "module Main exposing (main)",
    "",
    ...modules.map((m) => `import ${m}`),
    "import Platform",
    "",
    "",
    "main : Program () () ()",
    "main =",
    "    Platform.worker { init = \\_ -> ( (), Cmd.none ), update = \\_ model -> ( model, Cmd.none ), subscriptions = \\_ -> Sub.none }",
    "",
  ].join("\n");
}

const compileCases = [
  ...elmCases(),
  { name: "bare (no constraints, no endpoints)", entry: bareSchemaFile() },
  { name: "text (escapes, doc comments, negative numbers)", entry: textSchemaFile() },
  { name: "empty (a schema without declarations)", entry: emptySchemaFile() },
];

describe.skipIf(!ready)("elm make on the Elm emitter's output", () => {
  it.each(compileCases)(
    "$name compiles",
    async ({ entry }) => {
      const files = await emitElm(schemaOf(entry));
      const modules = generatedModules(files);
      expect(modules.length, "at least one generated module").toBeGreaterThan(0);
      const project = elmProject([...files, { path: "Main.elm", content: mainModule(modules) }]);
      try {
        const { status, output } = runElm(project.dir, ["make", "src/Main.elm", "--output=/dev/null"]);
        expect(status, output).toBe(0);
        expect(output).not.toMatch(/ERROR/);
      } finally {
        project.cleanup();
      }
    },
    120_000,
  );
});
