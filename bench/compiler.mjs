#!/usr/bin/env node
// Compiler benchmark: generated schemas of 100, 500 and 5000 records (10 fields each) plus
// endpoints; times `hamletc check` and `hamletc build` as a user runs them (a fresh process,
// Node start-up included) and the in-process check alone, and reports lines per second.
// Usage: node bench/compiler.mjs [--sizes 100,500,5000] [--runs 5]
import { execFileSync, spawnSync } from "node:child_process";
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
const sizes = option("--sizes", "100,500,5000").split(",").map(Number);
const runs = Number(option("--runs", "5"));

const FIELD_TYPES = [
  "String @length(1, 200)",
  "Int @range(0, 1000)",
  "Float",
  "Bool",
  "Uuid",
  "Timestamp",
  "List<String> @maxItems(20)",
  "Map<String, Int>",
  "String?",
  "Date?",
];

/** A schema with `records` records of 10 fields, one enum per 10 records, and records/2.5 endpoints. */
export function generateSchema(records) {
  const lines = ["package bench", ""];
  for (let e = 0; e < Math.ceil(records / 10); e++) lines.push(`enum Status${e} { Active, Paused, Archived }`, "");
  for (let r = 0; r < records; r++) {
    lines.push(`/// Record number ${r}.`, `record Model${r} {`);
    for (let f = 0; f < 9; f++) lines.push(`  field_${f}: ${FIELD_TYPES[(r + f) % FIELD_TYPES.length]}`);
    lines.push(`  status: Status${Math.floor(r / 10)}`, "}", "");
  }
  const endpoints = Math.round(records / 2.5);
  for (let e = 0; e < endpoints; e++) {
    const model = `Model${e % records}`;
    if (e % 2 === 0) {
      lines.push(
        `endpoint Get${e}: GET "/api/items${e}/{id}" {`,
        "  request { id: Uuid }",
        `  response ${model}`,
        "  errors { NotFound }",
        "}",
        "",
      );
    } else {
      lines.push(
        `@auth(session)`,
        `endpoint Create${e}: POST "/api/items${e}" {`,
        `  request { item: ${model}, note: String? @length(0, 500) }`,
        `  response { id: Uuid, item: ${model} }`,
        "}",
        "",
      );
    }
  }
  return lines.join("\n");
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeProcess(argv, cwd) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...argv], { cwd, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`hamletc ${argv.join(" ")} failed:\n${r.stderr}`);
    times.push(ms);
  }
  return median(times);
}

async function timeInProcess(file) {
  const { compile } = await import(join(root, "dist", "src", "program", "compile.js"));
  const features = { database: true, eventStore: true };
  compile({ entries: [file], features }); // warm-up: parser construction, JIT
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = compile({ entries: [file], features });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!result.schema) throw new Error("benchmark schema has errors");
  }
  return median(times);
}

const work = mkdtempSync(join(tmpdir(), "hamlet-bench-"));
try {
  execFileSync(process.execPath, [bin, "--version"]);
  const rows = [];
  for (const size of sizes) {
    const text = generateSchema(size);
    const file = join(work, `bench-${size}.hamlet`);
    writeFileSync(file, text);
    const lines = text.split("\n").length;
    const check = timeProcess(["check", file], work);
    const inProcess = await timeInProcess(file);
    const build = timeProcess(["build", "--out", join(work, `out-${size}`), file], work);
    rows.push({ records: size, lines, check, inProcess, build });
  }
  const startup = timeProcess(["--version"], work);
  console.log(`hamletc compiler benchmark (median of ${runs} runs; process times include Node start-up)`);
  console.log(`Node start-up + CLI load (hamletc --version): ${startup.toFixed(0)} ms\n`);
  console.log("| records | lines | check (process) | check (in-process) | lines/s (in-process) | build (process) |");
  console.log("|--------:|------:|----------------:|-------------------:|---------------------:|----------------:|");
  for (const r of rows) {
    const rate = Math.round(r.lines / (r.inProcess / 1000));
    console.log(
      `| ${r.records} | ${r.lines} | ${r.check.toFixed(0)} ms | ${r.inProcess.toFixed(1)} ms | ${rate.toLocaleString("en-US")} | ${r.build.toFixed(0)} ms |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
