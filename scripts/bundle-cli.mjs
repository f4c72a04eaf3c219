#!/usr/bin/env node
// Bundles the hamletc CLI into one CommonJS script, dist/cli/hamletc.cjs, with esbuild (npm
// packages included, except @hamlet/runtime-node, which only `migrate` and `events` load), so
// that bin/hamletc.js can compile it through `vm.Script` with a V8 code cache (Node 20 has no
// `module.enableCompileCache`; see bin/load-bundle.js). Most of a cold `hamletc build` used to
// be V8 parsing and compiling the compiler. Then runs one check and one build of an example
// schema in a single process and stores the code cache of everything they compiled, so that the
// first command a user runs starts warm. bin/hamletc.js prefers the bundle when it is at least as
// new as the tsc output in dist/src, so a stale bundle is never run.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// `--outdir <dir>` bundles elsewhere (test/cli-bundle.test.ts); the launcher runs only dist/cli.
const outdirFlag = process.argv.indexOf("--outdir");
const outdir = outdirFlag > 0 ? resolve(process.argv[outdirFlag + 1]) : join(root, "dist", "cli");
const outfile = join(outdir, "hamletc.cjs");
const require = createRequire(import.meta.url);

// grammar/chevrotain.ts loads Chevrotain's single-file bundle with a top-level await, which a
// CommonJS script cannot have; here the same file is bundled statically.
const chevrotainBundle = join(dirname(require.resolve("chevrotain")), "..", "chevrotain.mjs");
const staticChevrotain = {
  name: "static-chevrotain",
  setup(b) {
    b.onLoad({ filter: /[\\/]grammar[\\/]chevrotain\.ts$/ }, () => ({
      contents: `export { createToken, EmbeddedActionsParser, EOF, getLookaheadPaths, Lexer, LLkLookaheadStrategy, tokenMatcher } from ${JSON.stringify(chevrotainBundle)};`,
      loader: "js",
      resolveDir: root,
    }));
  },
};

rmSync(outdir, { recursive: true, force: true }); // the old ESM chunks and caches of older bundles
const result = await build({
  entryPoints: [join(root, "src", "cli", "main.ts")],
  outfile,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  external: ["@hamlet/runtime-node"],
  plugins: [staticChevrotain],
  define: { "import.meta.url": "__hamletBundleUrl", "import.meta.dirname": "__dirname" },
  banner: { js: 'var __hamletBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  write: false,
  logLevel: "warning",
});
// A script compiled by `vm.Script` cannot run `import()` on Node 20 (its callback needs
// --experimental-vm-modules), so the bundle's one dynamic import of a package goes through the
// launcher's `__hamletImport`; any other dynamic import would fail at run time, so it fails here.
// esbuild escapes non-ASCII characters in code but not in the comments it keeps; one such
// character makes the whole 2 MB source a two-byte string, which Node reads about 5 ms slower on
// every start. In a comment, an escape is as good as the character.
const code = result.outputFiles[0].text
  .replaceAll('import("@hamlet/runtime-node")', '__hamletImport("@hamlet/runtime-node")')
  .replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const dynamicImport = /(?<![\w$.])import\(\s*["'`]/.exec(code);
if (dynamicImport)
  throw new Error(
    `hamletc.cjs has a dynamic import the launcher cannot run: ${code.slice(dynamicImport.index, dynamicImport.index + 60)}`,
  );
// The first line names the bundle's hash: the code cache is keyed by it and the Node version.
const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
mkdirSync(outdir, { recursive: true });
writeFileSync(outfile, `// hamletc bundle ${hash}\n${code}`);

// Warm-up: the code cache holds what V8 compiled while running these commands.
const { loadBundle } = await import("../bin/load-bundle.js");
const cli = loadBundle(outfile, { readCache: false });
const example = join(root, "examples", "horatio", "hamlet.toml");
const out = mkdtempSync(join(tmpdir(), "hamletc-warm-"));
const quiet = process.stderr.write;
process.stderr.write = () => true;
try {
  await cli.main(["check", "-c", example]);
  await cli.main(["build", "-c", example, "--out", out]);
} finally {
  process.stderr.write = quiet;
  process.exitCode = 0;
  rmSync(out, { recursive: true, force: true });
}
const saved = cli.saveCache();
console.log(
  `${relative(root, outfile)} (${(code.length / 1e6).toFixed(1)} MB), code cache ${saved ? relative(root, saved) : "not written"}`,
);
