/**
 * Before any test file starts: fills the project's Elm package cache when missing, builds
 * runtime-node/dist (the `@hamlet/runtime-node` package that generated code and the example
 * import by name), then dist/. Several suites run the real `hamletc` launcher
 * (bin/hamletc.js → dist/), and rebuilding it from inside a suite while another suite runs the
 * CLI would let a process load a half-written file.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";

export default async function setup(): Promise<void> {
  const root = join(import.meta.dirname, "..");
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  await fillElmCache(root);
  await build(tsc, join(root, "runtime-node"), "runtime-node/dist");
  await build(tsc, root, "dist");
}

function build(tsc: string, cwd: string, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [tsc, "-p", "tsconfig.build.json"],
      { cwd, maxBuffer: 1 << 26 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`building ${what} for the tests failed:\n${stdout}${stderr}`));
        else resolve();
      },
    );
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
