/**
 * The Elm emitter's output compiles with the real Elm compiler: for every golden case, the
 * generated modules and the runtime copies go into a throwaway project with the pinned official
 * packages and a Main.elm importing every generated module; `elm make` must succeed.
 * Also checks that elm-format leaves the output unchanged (it is already formatted).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bareSchemaFile } from "./support/elm-edge.js";
import {
  elmCases,
  elmFormatBin,
  elmProject,
  elmReady,
  emitElm,
  generatedModules,
  runElm,
  schemaOf,
} from "./support/elm-project.js";

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

const compileCases = [...elmCases(), { name: "bare (no constraints, no endpoints)", entry: bareSchemaFile() }];

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

describe.skipIf(!existsSync(elmFormatBin))("elm-format on the Elm emitter's output", () => {
  it.each(elmCases())("$name is already formatted", async ({ entry }) => {
    const files = (await emitElm(schemaOf(entry))).filter((f) => !f.path.startsWith("Hamlet/"));
    for (const file of files) {
      const result = spawnSync(elmFormatBin, ["--stdin", "--elm-version=0.19"], {
        input: file.content,
        encoding: "utf8",
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout, `${file.path} changes when formatted again`).toBe(file.content);
    }
  });
});
