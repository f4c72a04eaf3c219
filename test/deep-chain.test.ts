/**
 * A chain of records each referring to the next, thousands long, checks and emits (the Elm
 * naming rules' component search was recursive and overflowed the call stack at 10,000 links).
 */
import { describe, expect, it } from "vitest";
import { compile } from "../src/program/compile.js";
import { overlayHost } from "../src/program/host.js";
import { loadEmitters } from "../emitters/index.js";
import { runEmitters } from "../src/emit/run.js";

function chain(links: number): string {
  const lines = ["package chain", ""];
  for (let r = 0; r < links; r++) {
    lines.push(`record Link${r} {`, "  id: Uuid", "  label: String @length(1, 80)");
    if (r + 1 < links) lines.push(`  next: Link${r + 1}?`, `  rest: List<Link${r + 1}>`);
    lines.push("}", "");
  }
  return lines.join("\n");
}

describe("a reference chain 10,000 records long", () => {
  it("checks and emits Elm without overflowing the stack", async () => {
    const file = "/chain/chain.hamlet";
    const result = compile({
      entries: [file],
      features: { database: true, eventStore: true },
      host: overlayHost(new Map([[file, chain(10_000)]])),
    });
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const elm = (await loadEmitters((name) => name === "elm"))[0]!;
    const emitted = await runEmitters(result.schema!, [{ emitter: elm, options: {} }]);
    expect(emitted.diagnostics).toEqual([]);
    expect(emitted.files.find((f) => f.path === "elm/Api/Types.elm")?.content).toContain("type alias Link9999 =");
  });
});
