// What the realtime benchmarks (SSE, WebSocket) share: runtime-node's build, Horatio's generated
// validators bundled for a plain `node` child, and a server child that talks over stdin/stdout
// lines ("listening <port>", "memory <json>", ...).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** Builds runtime-node (scripts/bench.js builds only the compiler) and bundles Horatio's validators into a temp folder. */
export async function prepareRealtimeBench(name) {
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: join(root, "runtime-node"),
    stdio: "inherit",
  });
  const dir = mkdtempSync(join(tmpdir(), `hamlet-bench-${name}-`));
  const validators = join(dir, "validators.mjs");
  const bundled = await build({
    entryPoints: [join(root, "examples/horatio/generated/typescript/validators.ts")],
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
  });
  writeFileSync(validators, bundled.outputFiles[0].text);
  return { dir, validators };
}

/** Starts `bench/support/<script>` with `args`; `next(pattern)` resolves with the first group of the next matching line. */
export function startChildServer(script, args) {
  const child = spawn(process.execPath, ["--expose-gc", join(root, "bench/support", script), ...args], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let out = "";
  const waiters = [];
  child.stdout.on("data", (chunk) => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      const m = w.pattern.exec(out);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        out = out.slice(m.index + m[0].length);
        w.resolve(m[1]);
      }
    }
  });
  const next = (pattern) => new Promise((resolve) => waiters.push({ pattern, resolve }));
  return {
    child,
    next,
    port: next(/listening (\d+)\n/).then(Number),
    async memory() {
      const reply = next(/memory (.+)\n/);
      child.stdin.write("memory\n");
      return JSON.parse(await reply);
    },
  };
}
