/**
 * Every entry of spec/diff.md: its example pair, run through the diff engine, reports a change of
 * that kind with exactly the verdicts of the entry's table. Driven by the file so they cannot drift.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { changeKindIds } from "../src/diff/kinds.js";
import { diffTexts } from "./support/diff-helpers.js";

interface Entry {
  readonly kind: string;
  readonly old: string;
  readonly new: string;
  readonly verdicts: { responses: string; requests: string; source: string; database: string };
}

function catalogue(): Entry[] {
  const text = readFileSync(join(import.meta.dirname, "..", "spec", "diff.md"), "utf8");
  const sections = text.split(/^### `([^`]+)`$/m).slice(1);
  const entries: Entry[] = [];
  for (let i = 0; i < sections.length; i += 2) {
    const kind = sections[i]!;
    const body = sections[i + 1]!;
    const blocks = [...body.matchAll(/```hamlet\n\/\/ (old|new)\n([\s\S]*?)\n```/g)];
    const row = /\| (\w+) \| (\w+) \| (\w+) \| (\w+) \|\s*$/.exec(body.trim());
    if (blocks.length !== 2 || blocks[0]![1] !== "old" || blocks[1]![1] !== "new" || !row)
      throw new Error(`spec/diff.md entry ${kind} needs an old and a new hamlet block and a verdict row`);
    entries.push({
      kind,
      old: blocks[0]![2]!,
      new: blocks[1]![2]!,
      verdicts: { responses: row[1]!, requests: row[2]!, source: row[3]!, database: row[4]! },
    });
  }
  return entries;
}

const entries = catalogue();

describe("spec/diff.md", () => {
  it("lists every change kind the tool knows, once, and no other", () => {
    expect(entries.map((e) => e.kind).sort()).toEqual([...changeKindIds].sort());
    expect(entries.length).toBeGreaterThanOrEqual(40);
  });

  it.each(entries.map((e) => [e.kind, e] as const))("%s", (_kind, entry) => {
    const changes = diffTexts(entry.old, entry.new);
    const found = changes.filter((c) => c.kind === entry.kind);
    expect(found.length, `no ${entry.kind} among: ${changes.map((c) => c.kind).join(", ")}`).toBeGreaterThan(0);
    expect(found[0]!.verdicts).toEqual(entry.verdicts);
  });

  it("reports nothing for identical versions", () => {
    for (const e of entries) expect(diffTexts(e.old, e.old)).toEqual([]);
  });
});
