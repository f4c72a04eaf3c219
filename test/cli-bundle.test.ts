/**
 * The bundled CLI (scripts/bundle-cli.mjs → hamletc.cjs) run through bin/load-bundle.js with its
 * V8 code cache, as bin/hamletc.js runs it: the bundle works in real processes, the cache made
 * at bundling time is accepted by the next process, a cache that does not fit is rejected and
 * replaced, and a read-only bundle folder falls back to the user's cache folder. (The other suites
 * run the bundle too: test/global-setup.ts rebuilds it after dist/src.)
 */
import { execFile } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, sharedExamplesDir } from "./support/corpus.js";
import { tmpRoot } from "./support/ts-emit.js";

let dir: string;
let bundle: string;

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 1 << 26 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Runs the bundled CLI in a fresh process (a launcher file, as bin/hamletc.js: `node -e` would
 * count as Node flags) and prints whether the code cache was used.
 */
function hamletc(args: string[], env: Record<string, string> = {}, nodeFlags: string[] = []) {
  return run([...nodeFlags, join(dir, "launcher.mjs"), JSON.stringify(args)], env);
}

const caches = (folder: string) =>
  existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith(".v8cache")) : [];
const report = (stdout: string) =>
  JSON.parse(stdout.trim().split("\n").at(-1)!) as { usedCache: boolean; saved: string | null };

beforeAll(async () => {
  mkdirSync(tmpRoot, { recursive: true });
  dir = mkdtempSync(join(tmpRoot, "bundle-"));
  const out = join(dir, "cli");
  const made = await run([join(repoRoot, "scripts", "bundle-cli.mjs"), "--outdir", out]);
  expect(made.code, made.stderr).toBe(0);
  bundle = join(out, "hamletc.cjs");
  writeFileSync(
    join(dir, "launcher.mjs"),
    `const { loadBundle } = await import(${JSON.stringify(join(repoRoot, "bin", "load-bundle.js"))});
const args = JSON.parse(process.argv[2]);
const cli = loadBundle(${JSON.stringify(bundle)}, { shortRun: args[0] === "check" });
process.exitCode = await cli.main(args);
const saved = cli.saveCache();
console.log(JSON.stringify({ usedCache: cli.usedCache, saved: saved ?? null }));
`,
  );
}, 120_000);

afterAll(() => {
  chmodSync(join(dir, "cli"), 0o755);
  rmSync(dir, { recursive: true, force: true });
});

describe("bundled CLI with a V8 code cache", () => {
  it("bundling leaves one cache, which the next process uses", async () => {
    expect(caches(join(dir, "cli"))).toHaveLength(1);
    // ASCII only: a single other character makes Node read the whole bundle as a two-byte string.
    expect(readFileSync(bundle, "latin1")).toMatch(/^[\x00-\x7f]*$/);
    const version = await hamletc(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toContain("0.1.0");
    expect(report(version.stdout)).toEqual({ usedCache: true, saved: null });
  });

  it("keeps the cache of a run with other Node flags apart from the plain one", async () => {
    const folder = join(dir, "cli");
    const [plain] = caches(folder);
    const flagged = await hamletc(["--version"], {}, ["--max-semi-space-size=16"]);
    expect(flagged.code).toBe(0);
    const saved = report(flagged.stdout).saved!;
    expect(saved).not.toBe(join(folder, plain!));
    expect(report((await hamletc(["--version"], {}, ["--max-semi-space-size=16"])).stdout).usedCache).toBe(true);
    expect(report((await hamletc(["--version"])).stdout)).toEqual({ usedCache: true, saved: null });
    rmSync(saved);
  });

  it("a check (which raises V8's optimization budget) uses the cache and leaves it as it was", async () => {
    const folder = join(dir, "cli");
    const [name] = caches(folder);
    const before = readFileSync(join(folder, name!));
    const checked = await hamletc(["check", join(sharedExamplesDir, "game.hamlet")]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(report(checked.stdout)).toEqual({ usedCache: true, saved: null });
    expect(readFileSync(join(folder, name!)).equals(before)).toBe(true);
    expect(report((await hamletc(["--version"])).stdout)).toEqual({ usedCache: true, saved: null });
  });

  it("checks, builds and migrates a shared example, and reports schema errors with exit code 1", async () => {
    const example = join(sharedExamplesDir, "game.hamlet");
    const checked = await hamletc(["check", example]);
    expect(checked.code, checked.stderr).toBe(0);
    const built = await hamletc(["build", example]);
    expect(built.code, built.stderr).toBe(0);
    expect(readdirSync(join(dir, "generated"))).toContain("typescript");
    // `migrate` imports @hamlet/runtime-node at run time, through the launcher's import hook.
    const migrated = await hamletc(["migrate", "--database", "sqlite:./bundle.db"]);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stderr).toMatch(/Applied 1 migration/);
    writeFileSync(join(dir, "broken.hamlet"), "package broken\n\nrecord Broken { id: Missing }\n");
    const broken = await hamletc(["check", join(dir, "broken.hamlet")]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/HAM\d{4}/);
  });

  it("replaces a cache V8 rejects, and falls back to the user's cache folder when the bundle's is read-only", async () => {
    const folder = join(dir, "cli");
    const [name] = caches(folder);
    writeFileSync(join(folder, name!), "not a code cache");
    const rejected = await hamletc(["--version"]);
    expect(report(rejected.stdout)).toEqual({ usedCache: false, saved: join(folder, name!) });
    expect(report((await hamletc(["--version"])).stdout).usedCache).toBe(true);

    rmSync(join(folder, name!));
    chmodSync(folder, 0o555);
    const home = join(dir, "xdg");
    const readOnly = await hamletc(["--version"], { XDG_CACHE_HOME: home });
    expect(readOnly.code).toBe(0);
    // root ignores the folder's mode; then the cache simply lands next to the bundle.
    const saved = report(readOnly.stdout).saved;
    expect([join(home, "hamletc", name!), join(folder, name!)]).toContain(saved);
    expect(report((await hamletc(["--version"], { XDG_CACHE_HOME: home })).stdout).usedCache).toBe(true);
  });
});
