/**
 * Before any test file starts: fills the project's Elm package cache when missing, builds
 * runtime-node/dist (the `@hamlet/runtime-node` package that generated code and the example
 * import by name), then dist/ and the CLI bundle dist/cli/hamletc.cjs (`npm run build` does the
 * same). Several suites run the real `hamletc` launcher, which runs the bundle only when it is at
 * least as new as dist/src: rebuilding the bundle here keeps the tests on the code users run, and
 * keeps a developer's bundle from going stale (and slow) after a test run. Rebuilding either from
 * inside a suite while another suite runs the CLI would let a process load a half-written file.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";

export default async function setup(): Promise<void> {
  const root = join(import.meta.dirname, "..");
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  await fillElmCache(root);
  await build(tsc, join(root, "runtime-node"), "runtime-node/dist");
  await build(tsc, root, "dist");
  await run([join(root, "scripts", "bundle-cli.mjs")], root, "the CLI bundle");
}

function build(tsc: string, cwd: string, what: string): Promise<void> {
  return run([tsc, "-p", "tsconfig.build.json"], cwd, what);
}

function run(argv: string[], cwd: string, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    execFile(process.execPath, argv, { cwd, maxBuffer: 1 << 26 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`building ${what} for the tests failed:\n${stdout}${stderr}`));
      else resolve();
    });
  });
}

/** The project's Elm package cache (scripts/setup-elm.sh; fails under CI=true when it cannot). */
function fillElmCache(root: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    execFile("sh", [join(root, "scripts", "setup-elm.sh")], { cwd: root }, (error, stdout, stderr) => {
      if (error) reject(new Error(`scripts/setup-elm.sh failed:\n${stdout}${stderr}`));
      else {
        if (stderr.trim() !== "") process.stderr.write(stderr);
        resolve();
      }
    });
  });
}
