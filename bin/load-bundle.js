// Runs the CommonJS bundle of the CLI (dist/cli/hamletc.cjs) through `vm.Script` with a V8 code
// cache: Node 20 has no `module.enableCompileCache`, and without a cache most of a cold
// `hamletc build` is V8 parsing and compiling the compiler. The cache holds the bytecode of every
// function that had run when it was made (scripts/bundle-cli.mjs makes it after a check and a
// build); it is keyed by the bundle's hash (its first line) and the Node version and
// architecture, kept next to the bundle or, when that folder is read-only, in the user's cache
// folder, and V8 itself rejects a cache that does not fit the script. Any failure to read or
// write a cache only costs speed.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { Script } from "node:vm";

/**
 * V8's budget before it sends a hot function to TurboFan, raised for short commands. With the
 * default (66 KB of bytecode) a `check` of a large schema has about a hundred functions compiled
 * on background threads, as much CPU again as the check itself, most of it finishing too late to
 * pay; on a 2-core machine those threads take turns with the check's own thread. Four times the
 * budget leaves the hottest loops optimized (bench/compiler.mjs, README "Benchmarks").
 */
const SHORT_RUN_BUDGET = 4 * 67584;

/** Folders that may hold the cache, in the order they are tried. */
function cacheFolders(bundle) {
  const user = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return [dirname(bundle), join(user, "hamletc")];
}

/** FNV-1a, in hex: names a set of Node flags in a file name. */
function shortHash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

function tryRead(path) {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Compiles the bundle (with its cache unless `readCache` is false) and runs its top level.
 * Returns the CLI's `main`, whether a cache was used, and `saveCache()`, which stores the code
 * cache when none was used and returns where it wrote it. `shortRun` raises V8's optimization
 * budget for a command that ends in well under a second (`check`).
 */
export function loadBundle(bundle, { readCache = true, shortRun = false } = {}) {
  const source = readFileSync(bundle, "utf8");
  const hash = /^\/\/ hamletc bundle (\w+)/.exec(source)?.[1] ?? "unknown";
  // V8 rejects a cache made under other flags (`node --cpu-prof ...`): such runs get their own
  // file, so that they do not replace the cache every plain run uses.
  const flags = process.execArgv.length > 0 ? `-${shortHash(process.execArgv.join(" "))}` : "";
  const name = `hamletc-${hash}-${process.version}-${process.arch}${flags}.v8cache`;
  const folders = cacheFolders(bundle);
  let cachedData;
  if (readCache) for (const folder of folders) if ((cachedData = tryRead(join(folder, name)))) break;
  // `__hamletImport` stands for `import()`, which a `vm.Script` cannot run on Node 20 without
  // --experimental-vm-modules; only `migrate` and `events` use it, for @hamlet/runtime-node.
  const wrapper = `(function (exports, require, module, __filename, __dirname, __hamletImport) {${source}\n})`;
  const script = new Script(wrapper, { filename: bundle, cachedData });
  const usedCache = cachedData !== undefined && !script.cachedDataRejected;
  // After the cache is read and before any function of the bundle exists (V8 gives a function its
  // budget when it first runs). Flags are part of a code cache's key, so only a run that does not
  // write a cache at exit changes one.
  // `node:v8` is required only here: loading it costs about 2 ms, which other commands need not pay.
  if (shortRun && usedCache)
    createRequire(import.meta.url)("node:v8").setFlagsFromString(`--interrupt-budget=${SHORT_RUN_BUDGET}`);
  const module = { exports: {} };
  const importModule = (specifier) => import(specifier);
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle), importModule);
  return {
    main: module.exports.main,
    usedCache,
    saveCache() {
      if (usedCache) return undefined;
      const data = script.createCachedData();
      for (const folder of folders) {
        try {
          mkdirSync(folder, { recursive: true });
          const temporary = join(folder, `${name}.${process.pid}.tmp`);
          writeFileSync(temporary, data);
          renameSync(temporary, join(folder, name)); // never a half-written cache for a parallel run
          return join(folder, name);
        } catch {
          // read-only or missing folder: try the next one
        }
      }
      return undefined;
    },
  };
}
