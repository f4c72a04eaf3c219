/**
 * Emitters report problems as coded diagnostics with a target, never as exceptions: HAM0803
 * (an emitter failed) is for bugs only. A bad option value is HAM0802 on its hamlet.toml span.
 */
import { describe, expect, it } from "vitest";
import { builtinEmitters } from "../emitters/index.js";
import { runEmitters } from "../src/emit/run.js";
import { compile } from "../src/program/compile.js";
import { sharedExamples } from "./support/corpus.js";

describe("emitter diagnostics", () => {
  it("refuses an Elm prefix that is not a module name with HAM0802 on the option, not HAM0803", async () => {
    const [file] = sharedExamples();
    const { schema } = compile({ entries: [file!], features: { database: true, eventStore: true } });
    const elm = await builtinEmitters.find((e) => e.name === "elm")!.load();
    const span = { file: "hamlet.toml", start: 40, end: 52 };
    for (const prefix of ["api", "Hamlet", "My.Hamlet", "Api-Client", ""]) {
      const result = await runEmitters(schema!, [{ emitter: elm, options: { prefix: { value: prefix, span } } }]);
      expect(result.diagnostics.map((d) => [d.code, d.span])).toEqual([["HAM0802", span]]);
      expect(result.diagnostics[0]!.message).toContain("an Elm module name such as `Api`");
      expect(result.files).toEqual([]);
    }
    const ok = await runEmitters(schema!, [{ emitter: elm, options: { prefix: { value: "My.Api", span } } }]);
    expect(ok.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(ok.files.some((f) => f.path === "elm/My/Api/Types.elm")).toBe(true);
  });
});
