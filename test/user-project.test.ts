/**
 * A user's first hour, for real: `npm pack` both packages, install the tarballs into a fresh
 * project outside the repository (offline, from the npm cache), `hamletc init`, `hamletc build`,
 * `tsc --noEmit`, `npm run build` (tsc + elm make), start the server and talk HTTP to it. The
 * README's "Using hamletc" section follows exactly these steps.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./support/corpus.js";
import { elmHome, elmReady } from "./support/elm-home.js";

const run = promisify(execFile);
const ready = elmReady("test/user-project.test.ts");

/** npm without the settings `npm test` leaks into its children (workspace, prefix, ...). */
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_"))),
  ELM_HOME: elmHome,
  NODE_ENV: "development",
};

const versionOf = (name: string) =>
  (JSON.parse(readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8")) as { version: string })
    .version;

async function sh(cwd: string, command: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env, maxBuffer: 1 << 26 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
  }
}

/** `npm pack` of the package in `dir` into `into`; returns the tarball's path. */
async function pack(dir: string, into: string): Promise<string> {
  // dist/ and runtime-node/dist are fresh: the global setup built them.
  const out = await sh(dir, "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", into]);
  const [{ filename }] = JSON.parse(out.slice(out.indexOf("["))) as [{ filename: string }];
  return join(into, filename);
}

describe.skipIf(!ready)("a user project built from the packed packages", () => {
  let base: string;
  let project: string;
  let server: ChildProcess | undefined;
  let serverUrl: string;
  let migrateWithoutRuntime: string;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), "hamlet-user-"));
    project = join(base, "my-app");
    mkdirSync(project);
    const runtime = await pack(join(repoRoot, "runtime-node"), base);
    const compiler = await pack(repoRoot, base);
    const offline = ["--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"];
    await sh(project, "npm", [
      "install",
      ...offline,
      "--save-dev",
      compiler,
      `typescript@${versionOf("typescript")}`,
      `@types/node@${versionOf("@types/node")}`,
      `@lydell/elm@${versionOf("@lydell/elm")}`,
    ]);
    // The compiler alone has no server stack: `hamletc migrate` says what to install.
    migrateWithoutRuntime = await sh(project, "npx", ["--prefer-offline", "hamletc", "migrate"]).catch(
      (e: Error) => e.message,
    );
    await sh(project, "npm", ["install", ...offline, runtime]);
    // better-sqlite3's install script compiles SQLite (minutes, and node-gyp wants headers from
    // the network); the same version's binary from this repository's install is identical.
    const sqlite = join(project, "node_modules", "better-sqlite3");
    const built = join(repoRoot, "node_modules", "better-sqlite3", "build", "Release", "better_sqlite3.node");
    if (versionOf("better-sqlite3") === JSON.parse(readFileSync(join(sqlite, "package.json"), "utf8")).version) {
      mkdirSync(join(sqlite, "build", "Release"), { recursive: true });
      copyFileSync(built, join(sqlite, "build", "Release", "better_sqlite3.node"));
    } else await sh(project, "npm", ["rebuild", "better-sqlite3", "--foreground-scripts"]);
  }, 600_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
    }
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it("installs without reaching into the repository", () => {
    for (const name of ["@hamlet/compiler", "@hamlet/runtime-node"]) {
      const installed = realpathSync(join(project, "node_modules", name));
      expect(installed.startsWith(project), `${name} is installed in the project`).toBe(true);
    }
    // The compiler package does not bring the server stack; the runtime does.
    const compilerManifest = JSON.parse(
      readFileSync(join(project, "node_modules", "@hamlet", "compiler", "package.json"), "utf8"),
    ) as { dependencies: Record<string, string> };
    for (const name of ["fastify", "pg", "better-sqlite3"])
      expect(Object.keys(compilerManifest.dependencies)).not.toContain(name);
    expect(migrateWithoutRuntime).toContain("the package @hamlet/runtime-node is not installed");
  });

  it("hamletc init scaffolds, build generates, tsc type-checks", async () => {
    const init = await sh(project, "npx", ["--prefer-offline", "hamletc", "init"]);
    expect(init).toContain("Next: npm run build && npm start");
    expect(init).not.toContain("npm install"); // the packages were already there
    expect(await sh(project, "npx", ["--prefer-offline", "hamletc", "build"])).toContain("Built ");
    await sh(project, "npx", ["--prefer-offline", "tsc", "--noEmit"]);
    expect(await sh(project, "npx", ["--prefer-offline", "hamletc", "init"]).catch((e: Error) => e.message)).toContain(
      "not overwriting",
    );
  });

  it("npm run build compiles the server and the Elm front end", async () => {
    await sh(project, "npm", ["run", "build"]);
    expect(existsSync(join(project, "dist", "src", "server.js"))).toBe(true);
    expect(readFileSync(join(project, "public", "main.js"), "utf8")).toContain("Elm");
  });

  it("npm start serves the API and the front end; the database and migrations need no extra step", async () => {
    server = spawn("npm", ["start"], { cwd: project, env: { ...env, PORT: "0" }, stdio: ["ignore", "pipe", "pipe"] });
    serverUrl = await new Promise<string>((resolve, reject) => {
      let output = "";
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match) resolve(match[1]!);
      };
      server!.stdout!.on("data", onData);
      server!.stderr!.on("data", onData);
      server!.once("exit", (code) => reject(new Error(`server exited (${code}):\n${output}`)));
    });
    const created = await fetch(`${serverUrl}/api/notes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "first note" }),
    });
    expect(created.status).toBe(200);
    const note = (await created.json()) as { id: string; text: string; created_at: string };
    expect(note.text).toBe("first note");
    expect(note.created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const listed = (await (await fetch(`${serverUrl}/api/notes?limit=5`)).json()) as { notes: { id: string }[] };
    expect(listed.notes.map((n) => n.id)).toEqual([note.id]);
    const invalid = await fetch(`${serverUrl}/api/notes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "" }),
    });
    expect(invalid.status).toBe(400);
    const page = await fetch(`${serverUrl}/`, { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('<script src="/main.js">');
    const script = await fetch(`${serverUrl}/main.js`);
    expect(script.headers.get("content-type")).toContain("javascript");
    expect(existsSync(join(project, ".hamlet", "app.db"))).toBe(true);
  });
});
