/** `hamletc init` as a user runs it: what it writes, what it keeps, and the package.json it completes. */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./support/corpus.js";

const bin = join(repoRoot, "bin", "hamletc.js");
let work: string;

async function hamletc(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [bin, ...args], { cwd }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

const json = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, unknown>>;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "hamletc-init-"));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("hamletc init", () => {
  it("scaffolds a whole app, with dependencies on this checkout when run from it", async () => {
    const r = await hamletc(["init", "fresh-app"], work);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Next: cd fresh-app && npm install && npm run build && npm start");
    const project = join(work, "fresh-app");
    for (const file of ["hamlet.toml", "schema/app.hamlet", "src/server.ts", "src/Main.elm", "public/index.html"])
      expect(readFileSync(join(project, file), "utf8").length, file).toBeGreaterThan(0);
    expect(readFileSync(join(project, ".gitignore"), "utf8")).toContain(".hamlet/");
    expect(json(join(project, "elm.json"))["source-directories"]).toEqual(["src", "generated/elm"]);
    const pkg = json(join(project, "package.json"));
    expect(pkg["type"]).toBe("module");
    expect(pkg["dependencies"]).toEqual({ "@hamlet/runtime-node": `file:${join(repoRoot, "runtime-node")}` });
    expect(pkg["devDependencies"]!["@hamlet/compiler"]).toBe(`file:${repoRoot}`);
    expect(pkg["scripts"]!["start"]).toBe("node dist/src/server.js");
  });

  it("never overwrites: keeps existing files and values, adds only what package.json lacks", async () => {
    const project = join(work, "existing");
    mkdirSync(join(project, "src"), { recursive: true });
    writeFileSync(join(project, "src", "server.ts"), "// mine\n");
    const mine = { name: "mine", scripts: { build: "make" }, dependencies: { "@hamlet/runtime-node": "^9.0.0" } };
    writeFileSync(join(project, "package.json"), JSON.stringify(mine));
    const r = await hamletc(["init"], project);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("Kept existing: src/server.ts.");
    expect(readFileSync(join(project, "src", "server.ts"), "utf8")).toBe("// mine\n");
    const pkg = json(join(project, "package.json"));
    expect(pkg["name"]).toBe("mine");
    expect(pkg["scripts"]).toEqual({ build: "make", start: "node dist/src/server.js" });
    expect(pkg["dependencies"]).toEqual({ "@hamlet/runtime-node": "^9.0.0" });
    expect(Object.keys(pkg["devDependencies"]!).sort()).toEqual([
      "@hamlet/compiler",
      "@lydell/elm",
      "@types/node",
      "typescript",
    ]);

    const before = readFileSync(join(project, "package.json"), "utf8");
    const again = await hamletc(["init"], project);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("hamlet.toml exists; not overwriting anything");
    expect(readFileSync(join(project, "package.json"), "utf8")).toBe(before);
  });
});
