#!/usr/bin/env node
// Compiler benchmark, side by side in one run on the same content (see bench/support/schemas.mjs):
// `hamletc build` (all emitters) and `hamletc check` as a user runs them (a fresh process, Node
// start-up included), `tsp compile` with the OpenAPI 3 emitter on the TypeSpec twin and
// `buf build` on the protobuf twin, medians of alternating runs; then 10x growth of the
// in-process check (wide schemas and deep reference chains), peak memory at 5,000 records,
// start-up time, watch rebuild latency in a 50-file project and language-server diagnostics
// latency in a 5,000-line file.
// Usage: node bench/compiler.mjs [--records 500] [--runs 3] [--big 5000] [--skip-big-build] [--only watch,lsp]
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateChain, generateProto, generateSchema, generateTypeSpec } from "./support/schemas.mjs";
import { LspClient } from "./support/lsp-client.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "bin", "hamletc.js");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const records = Number(option("--records", "500"));
const big = Number(option("--big", "5000"));
const runs = Number(option("--runs", "3"));
const skipBigBuild = args.includes("--skip-big-build");
// `--only watch,lsp` runs just those latency measures (for work on the incremental pipeline).
const only = option("--only", "")?.split(",").filter(Boolean) ?? [];

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => (value >= 10000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`);

/** Runs a command to completion and returns its wall time in ms (throws on failure). */
function timed(command, argv, cwd) {
  const start = process.hrtime.bigint();
  const r = spawnSync(command, argv, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${command} ${argv.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return elapsed;
}

/** Peak resident memory (MB) and wall time of a command, from GNU time. */
function peak(command, argv, cwd) {
  const r = spawnSync("/usr/bin/time", ["-f", "%M %e", command, ...argv], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${command} ${argv.join(" ")} failed:\n${r.stderr}`);
  const [kb, seconds] = r.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  return { mb: kb / 1024, ms: seconds * 1000 };
}

async function checkInProcess(file) {
  const { compile } = await import(pathToFileURL(join(root, "dist", "src", "program", "compile.js")).href);
  const features = { database: true, eventStore: true };
  compile({ entries: [file], features }); // warm-up: parser construction, JIT
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = compile({ entries: [file], features });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!result.schema) throw new Error(`${file} has errors`);
  }
  return median(times);
}

const work = mkdtempSync(join(tmpdir(), "hamlet-bench-"));
const node = process.execPath;
const tsp = join(root, "node_modules", ".bin", "tsp");
const buf = join(root, "node_modules", ".bin", "buf");

/** The three twins of the `n`-record schema, each in its own folder. */
function writeTwins(n) {
  const dir = join(work, `twins-${n}`);
  mkdirSync(join(dir, "tsp"), { recursive: true });
  mkdirSync(join(dir, "proto", "bench", "v1"), { recursive: true });
  writeFileSync(join(dir, "bench.hamlet"), generateSchema(n));
  writeFileSync(join(dir, "tsp", "main.tsp"), generateTypeSpec(n));
  symlinkSync(join(root, "node_modules"), join(dir, "tsp", "node_modules"), "dir");
  writeFileSync(join(dir, "proto", "buf.yaml"), "version: v2\n");
  writeFileSync(join(dir, "proto", "bench", "v1", "bench.proto"), generateProto(n));
  return dir;
}

/** Medians of `runs` alternating runs of hamletc build, hamletc check, tsp compile and buf build. */
function sideBySide(dir) {
  const times = { build: [], check: [], tsp: [], buf: [] };
  for (let i = 0; i < runs; i++) {
    const out = join(dir, `out-${i}`);
    times.build.push(timed(node, [bin, "build", "--out", out, "bench.hamlet"], dir));
    times.check.push(timed(node, [bin, "check", "bench.hamlet"], dir));
    times.tsp.push(timed(tsp, ["compile", ".", "--emit", "@typespec/openapi3"], join(dir, "tsp")));
    times.buf.push(timed(buf, ["build"], join(dir, "proto")));
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

/** Start-up: `hamletc --version` and `check` on a one-line file. */
function startup() {
  const file = join(work, "one.hamlet");
  writeFileSync(file, "record One { id: Uuid }\n");
  const version = [];
  const check = [];
  for (let i = 0; i < Math.max(runs, 5); i++) {
    version.push(timed(node, [bin, "--version"], work));
    check.push(timed(node, [bin, "check", file], work));
  }
  const bare = [];
  for (let i = 0; i < Math.max(runs, 5); i++) bare.push(timed(node, ["-e", "0"], work));
  return { version: median(version), check: median(check), node: median(bare) };
}

/** A 50-file project under `build --watch`: ms from saving a one-line edit to the written output. */
async function watchLatency() {
  const dir = join(work, "watch");
  mkdirSync(join(dir, "schema"), { recursive: true });
  writeFileSync(join(dir, "hamlet.toml"), '[hamlet]\nschema = ["schema/*.hamlet"]\nout = "generated"\n');
  const enums = [];
  for (let e = 0; e < 5; e++) enums.push(`enum Kind${e} { Small, Medium, Large }`, "");
  writeFileSync(join(dir, "schema", "common.hamlet"), ["package watched", "", ...enums].join("\n"));
  for (let f = 1; f < 50; f++) {
    const lines = ["package watched", "", 'import "./common.hamlet"', ""];
    for (let r = 0; r < 10; r++) {
      lines.push(`record File${f}Item${r} {`, "  id: Uuid", "  title: String @length(1, 200)");
      lines.push("  count: Int @range(0, 1000)", `  kind: Kind${r % 5}`, "}", "");
    }
    lines.push(`endpoint GetFile${f}: GET "/api/file${f}/{id}" {`, "  request { id: Uuid }");
    lines.push(`  response File${f}Item0`, "}", "");
    writeFileSync(join(dir, "schema", `file${f}.hamlet`), lines.join("\n"));
  }
  const child = spawn(node, [bin, "build", "--watch"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  let waiter;
  child.stderr.on("data", (chunk) => {
    output += chunk;
    if (waiter && /Built /.test(output)) {
      const w = waiter;
      waiter = undefined;
      w();
    }
  });
  const built = () => new Promise((resolve) => (waiter = resolve));
  try {
    await built(); // the first, full build
    await new Promise((resolve) => setTimeout(resolve, 300));
    const edited = join(dir, "schema", "file25.hamlet");
    const original = readFileSync(edited, "utf8");
    const latencies = [];
    for (let i = 0; i < Math.max(runs, 5); i++) {
      output = "";
      const done = built();
      const start = process.hrtime.bigint();
      writeFileSync(edited, original.replace("@length(1, 200)", `@length(1, ${201 + i})`));
      await done;
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const written = /\((\d+) written/.exec(output)?.[1];
    return { latency: median(latencies), written: Number(written) };
  } finally {
    child.kill("SIGKILL");
  }
}

/** `hamletc lsp` with a 5,000-line file open: ms from a one-line edit to its diagnostics. */
async function lspLatency() {
  const file = join(work, "lsp.hamlet");
  const text = generateSchema(300);
  writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  const client = new LspClient(node, [bin, "lsp"], { cwd: work });
  try {
    await client.request("initialize", { processId: process.pid, rootUri: pathToFileURL(work).href, capabilities: {} });
    client.notify("initialized", {});
    const diagnostics = (version) =>
      client.waitFor((n) => n.method === "textDocument/publishDiagnostics" && n.params.version === version);
    let opened = diagnostics(1);
    client.notify("textDocument/didOpen", { textDocument: { uri, languageId: "hamlet", version: 1, text } });
    await opened;
    const lines = text.split("\n");
    const target = lines.findIndex((l) => l.includes("@length(1, 200)"));
    const latencies = [];
    for (let version = 2; version < 2 + Math.max(runs, 5); version++) {
      const before = lines[target];
      const after = before.replace(/@length\(1, \d+\)/, `@length(1, ${200 + version})`);
      const done = diagnostics(version);
      const start = process.hrtime.bigint();
      client.notify("textDocument/didChange", {
        textDocument: { uri, version },
        contentChanges: [
          {
            range: { start: { line: target, character: 0 }, end: { line: target, character: before.length } },
            text: after,
          },
        ],
      });
      await done;
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      lines[target] = after;
    }
    return { latency: median(latencies), lines: lines.length };
  } finally {
    client.kill();
  }
}

try {
  if (only.length > 0) {
    if (only.includes("watch")) console.log(`watch rebuild: ${JSON.stringify(await watchLatency())}`);
    if (only.includes("lsp")) console.log(`language server: ${JSON.stringify(await lspLatency())}`);
    rmSync(work, { recursive: true, force: true });
    process.exit(0);
  }
  const dir = writeTwins(records);
  const lines = readFileSync(join(dir, "bench.hamlet"), "utf8").split("\n").length;
  timed(node, [bin, "--version"], dir); // warm the file cache
  const side = sideBySide(dir);

  const wideSmall = join(work, "wide-small.hamlet");
  const wideBig = join(work, "wide-big.hamlet");
  const chainSmall = join(work, "chain-small.hamlet");
  const chainBig = join(work, "chain-big.hamlet");
  writeFileSync(wideSmall, generateSchema(records));
  writeFileSync(wideBig, generateSchema(big));
  writeFileSync(chainSmall, generateChain(records));
  writeFileSync(chainBig, generateChain(big));
  const wide = { small: await checkInProcess(wideSmall), big: await checkInProcess(wideBig) };
  const chain = { small: await checkInProcess(chainSmall), big: await checkInProcess(chainBig) };

  const checkPeak = peak(node, [bin, "check", wideBig], work);
  const buildPeak = skipBigBuild
    ? undefined
    : peak(node, [bin, "build", "--out", join(work, "out-big"), wideBig], work);
  const buildSmall = peak(node, [bin, "build", "--out", join(work, "out-small"), wideSmall], work);
  const chainBuild = {
    small: peak(node, [bin, "build", "--out", join(work, "out-chain-small"), chainSmall], work),
    big: peak(node, [bin, "build", "--out", join(work, "out-chain-big"), chainBig], work),
  };
  const start = startup();
  const watch = await watchLatency();
  const lsp = await lspLatency();

  const ratio = (a, b) => `${(b / a).toFixed(1)}x`;
  console.log(`hamletc compiler benchmark: ${records} records x 10 fields + ${Math.round(records / 2.5)} endpoints`);
  console.log(`(${lines} lines of Hamlet), medians of ${runs} alternating runs, process times include Node start-up\n`);
  console.log("| measure | figure | target |");
  console.log("|---|---:|---|");
  console.log(
    `| \`hamletc build\` (all emitters) | ${ms(side.build)} | ≤ ${ms(side.tsp / 10)} (1/10 of tsp) and < ${ms(side.buf)} (buf) |`,
  );
  console.log(`| \`hamletc check\` (whole process) | ${ms(side.check)} | ≤ ${ms(side.buf / 2)} (1/2 of buf) |`);
  console.log(`| \`tsp compile . --emit @typespec/openapi3\` (TypeSpec twin) | ${ms(side.tsp)} | |`);
  console.log(`| \`buf build\` (protobuf twin) | ${ms(side.buf)} | |`);
  console.log(
    `| check in-process, wide: ${records} → ${big} records | ${ms(wide.small)} → ${ms(wide.big)} (${ratio(wide.small, wide.big)}) | ≤ 11x |`,
  );
  console.log(
    `| check in-process, reference chain: ${records} → ${big} links | ${ms(chain.small)} → ${ms(chain.big)} (${ratio(chain.small, chain.big)}) | ≤ 11x |`,
  );
  if (buildPeak)
    console.log(
      `| build (process), wide: ${records} → ${big} records | ${ms(buildSmall.ms)} → ${ms(buildPeak.ms)} (${ratio(buildSmall.ms, buildPeak.ms)}) | ≤ 11x |`,
    );
  console.log(
    `| build (process), reference chain: ${records} → ${big} links | ${ms(chainBuild.small.ms)} → ${ms(chainBuild.big.ms)} (${ratio(chainBuild.small.ms, chainBuild.big.ms)}) | ≤ 11x |`,
  );
  console.log(`| peak memory, check of ${big} records | ${checkPeak.mb.toFixed(0)} MB | < 300 MB |`);
  if (buildPeak) console.log(`| peak memory, build of ${big} records | ${buildPeak.mb.toFixed(0)} MB | < 300 MB |`);
  console.log(
    `| start-up: \`node -e 0\` / \`hamletc --version\` / \`check\` one-line file | ${ms(start.node)} / ${ms(start.version)} / ${ms(start.check)} | |`,
  );
  console.log(
    `| watch: one-line edit in a 50-file project → output written (${watch.written} files written) | ${ms(watch.latency)} | < 50 ms |`,
  );
  console.log(
    `| language server: one-line edit in a ${lsp.lines}-line file → diagnostics | ${ms(lsp.latency)} | < 30 ms |`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
