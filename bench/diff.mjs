#!/usr/bin/env node
// `hamletc diff` benchmark: two versions of generated schemas of 100, 500 and 2000 records (10
// fields each, one endpoint per two records, one model per ten), the new one with a change in
// every tenth record. Times the command as a user runs it (fresh process, Node start-up
// included, exit 1 expected) and the in-process comparison alone (both versions already checked).
// Usage: node bench/diff.mjs [--sizes 100,500,2000] [--runs 5]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "bin", "hamletc.js");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const sizes = option("--sizes", "100,500,2000").split(",").map(Number);
const runs = Number(option("--runs", "5"));

function schema(records, changed) {
  const lines = ["package bench", "", "enum Status { Active, Paused, Archived }", ""];
  for (let r = 0; r < records; r++) {
    const edit = changed && r % 10 === 0;
    lines.push(`record Item${r} {`);
    for (let f = 0; f < 8; f++) lines.push(`  field_${f}: ${f % 2 ? "Int @range(0, 1000)" : "String @length(1, 200)"}`);
    lines.push(edit ? "  note: String @length(1, 100)" : "  note: String? @length(1, 200)");
    lines.push(edit ? "  status: Status = Active" : "  status: Status", "}", "");
    if (r % 2 === 0)
      lines.push(`endpoint Put${r}: POST "/api/items${r}" {`, `  request Item${r}`, `  response Item${r}`, "}", "");
    if (r % 10 === 0)
      lines.push(
        `model Row${r} {`,
        "  id: Uuid @primary @default(uuid)",
        `  name: String${edit ? " @index" : ""}`,
        edit ? "  score: Int" : "  score: Int?",
        "}",
        "",
      );
  }
  return lines.join("\n");
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const { loadPath } = await import(join(root, "dist", "src", "diff", "load.js"));
const { diffVersions } = await import(join(root, "dist", "src", "diff", "diff.js"));

console.log("records  lines  changes  hamletc diff (process)  comparison only");
for (const size of sizes) {
  const dir = mkdtempSync(join(tmpdir(), "hamlet-bench-diff-"));
  try {
    const oldText = schema(size, false);
    writeFileSync(join(dir, "old.hamlet"), oldText);
    writeFileSync(join(dir, "new.hamlet"), schema(size, true));
    const times = [];
    let changes = 0;
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [bin, "diff", "old.hamlet", "new.hamlet", "--format", "json"], {
        cwd: dir,
        encoding: "utf8",
        maxBuffer: 1 << 28,
      });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (r.status !== 1) throw new Error(`hamletc diff exited ${r.status}: ${r.stderr}`);
      changes = JSON.parse(r.stdout).changes.length;
    }
    const before = loadPath(join(dir, "old.hamlet")).version;
    const after = loadPath(join(dir, "new.hamlet")).version;
    const inProcess = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      diffVersions(before, after);
      inProcess.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    console.log(
      `${String(size).padStart(7)}  ${String(oldText.split("\n").length).padStart(5)}  ${String(changes).padStart(7)}  ${median(times).toFixed(0).padStart(19)} ms  ${median(inProcess).toFixed(1).padStart(12)} ms`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
