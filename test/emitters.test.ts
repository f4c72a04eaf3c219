/** The emitter registry: names, option schemas and determinism of every built-in emitter. */
import { describe, expect, it } from "vitest";
import { builtinEmitterNames, builtinEmitters, loadEmitters } from "../emitters/index.js";
import { runEmitters } from "../src/emit/run.js";
import { compile } from "../src/program/compile.js";
import { sharedExamples } from "./support/corpus.js";

const emitters = await loadEmitters();

describe("emitter registry", () => {
  it("loads, for every name, the emitter of that name", async () => {
    expect(emitters.map((e) => e.name)).toEqual(builtinEmitterNames);
    for (const entry of builtinEmitters) expect((await entry.load()).name).toBe(entry.name);
  });

  it("gives every emitter a description, a folder and documented options with defaults of their type", () => {
    for (const e of emitters) {
      expect(e.description.length).toBeGreaterThan(10);
      expect(e.outDir).toMatch(/^[a-z][a-z0-9-]*$/);
      for (const [key, spec] of Object.entries(e.options)) {
        expect(key).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(typeof spec.default).toBe(spec.type);
        expect(spec.description.length).toBeGreaterThan(5);
      }
    }
  });

  it("rejects unknown and mistyped options with HAM0801/HAM0802", async () => {
    const [file] = sharedExamples();
    const { schema } = compile({ entries: [file!], features: { database: true, eventStore: true } });
    const json = emitters.find((e) => e.name === "json")!;
    const result = await runEmitters(schema!, [
      { emitter: json, options: { spanz: { value: true, span: undefined }, file: { value: 3, span: undefined } } },
    ]);
    expect(result.diagnostics.map((d) => [d.code, d.hint])).toEqual([
      ["HAM0801", "Did you mean `spans`?"],
      ["HAM0802", undefined],
    ]);
    expect(result.files).toEqual([]);
  });

  it("is deterministic: the same schema gives the same bytes", async () => {
    for (const file of sharedExamples()) {
      const { schema } = compile({ entries: [file], features: { database: true, eventStore: true } });
      const selections = emitters.map((emitter) => ({ emitter, options: {} }));
      const first = await runEmitters(schema!, selections);
      const second = await runEmitters(schema!, selections);
      expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(second.files).toEqual(first.files);
    }
  });
});
