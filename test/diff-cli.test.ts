/**
 * `hamletc diff` as CI runs it: a real git repository in a temp folder, a real process, real exit
 * codes, `--against git:REF` read from the repository without a checkout.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DiffJson } from "../src/diff/render.js";
import { repoRoot } from "./support/corpus.js";

const bin = join(repoRoot, "bin", "hamletc.js");
let repo: string;

function hamletc(args: string[], cwd = repo): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const git = (...args: string[]) =>
  execFileSync("git", args, {
    cwd: repo,
    encoding: "utf8",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@t",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@t",
    },
  });

const v1 = `package shop

record Item { id: Uuid, name: String @length(1, 80) }

endpoint GetItem: GET "/items/{id}" {
  request { id: Uuid }
  response Item
}

model ItemRow {
  id: Uuid @primary @default(uuid)
  name: String
  note: String?
}
`;

const write = (name: string, text: string) => {
  mkdirSync(join(repo, name, ".."), { recursive: true });
  writeFileSync(join(repo, name), text);
};

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), "hamletc-diff-"));
  git("init", "-q", "-b", "main");
  write("hamlet.toml", '[hamlet]\nschema = "schema/*.hamlet"\n');
  write("schema/shop.hamlet", v1);
  git("add", ".");
  git("commit", "-qm", "v1");
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("hamletc diff --against git:REF", () => {
  it("exits 0 and reports nothing when the working tree equals the commit", async () => {
    const r = await hamletc(["diff", "--against", "git:main"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("0 changes");
  });

  it("exits 1 for a change that breaks deployed clients, with source lines of both versions", async () => {
    write(
      "schema/shop.hamlet",
      v1
        .replace("name: String @length(1, 80) }", "name: String @length(1, 80), price: Int }")
        .replace("request { id: Uuid }", "request { id: Uuid, lang: String }"),
    );
    const r = await hamletc(["diff", "--against", "git:main"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain("query.added.required GetItemRequest.lang");
    expect(r.stdout).toContain("new server ← old client (requests): breaks");
    expect(r.stdout).toMatch(/new schema\/shop\.hamlet:6:\d+\n\s+6 \| {3}request \{ id: Uuid, lang: String \}/);
    // An added field is also placed in the old version: at the record it was added to.
    expect(r.stdout).toMatch(/old git:main schema\/shop\.hamlet:6:3\n\s+6 \| {3}request \{ id: Uuid \}/);
    // A response gaining a field breaks nothing on the wire (only code building the response).
    const wire = r.stdout.split("\n\n").find((group) => group.startsWith("Wire"))!;
    expect(wire).not.toContain("Item.price");
    expect(r.stdout).toContain("field.added.required Item.price");
    expect(r.stdout.split("\n")[0]).toBe("Comparing git:main → .: 2 changes.");
  });

  it("reads the old version from git even when the file is gone from the working tree", async () => {
    git("add", ".");
    git("commit", "-qm", "v2");
    rmSync(join(repo, "schema", "shop.hamlet"));
    write("schema/other.hamlet", "package shop\n\nrecord Other { x: Int }\n");
    const r = await hamletc(["diff", "--against", "git:HEAD~1", "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as DiffJson;
    expect(out.old).toBe("git:HEAD~1");
    const kinds = out.changes.map((c) => c.kind);
    expect(kinds).toContain("endpoint.removed");
    expect(kinds).toContain("model.removed");
    const dropped = out.changes.find((c) => c.kind === "model.removed")!;
    expect(dropped.verdicts.database).toBe("breaks");
    expect(dropped.old).toEqual({ file: join("schema", "shop.hamlet"), line: 10, column: 1 });
    expect(dropped.new).toBeNull();
    rmSync(join(repo, "schema", "other.hamlet"));
    git("reset", "-q", "--hard", "HEAD~1");
  });

  it("--fail-on selects audiences; [hamlet.diff] accept lets a change through", async () => {
    write("schema/shop.hamlet", v1.replace("  note: String?\n", ""));
    let r = await hamletc(["diff", "--against", "git:main", "--fail-on", "wire"]);
    expect(r.code, r.stdout).toBe(0);
    r = await hamletc(["diff", "--against", "git:main"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("column.removed ItemRow.note");
    write(
      "hamlet.toml",
      '[hamlet]\nschema = "schema/*.hamlet"\n\n[hamlet.diff]\naccept = ["column.removed:ItemRow.note"]\n',
    );
    r = await hamletc(["diff", "--against", "git:main"]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain("(accepted in hamlet.toml)");
    write("hamlet.toml", '[hamlet]\nschema = "schema/*.hamlet"\n\n[hamlet.diff]\nfail_on = ["source"]\n');
    r = await hamletc(["diff", "--against", "git:main"]);
    expect(r.code).toBe(1);
    write("hamlet.toml", '[hamlet]\nschema = "schema/*.hamlet"\n\n[hamlet.diff]\nfail_on = ["wires"]\n');
    r = await hamletc(["diff", "--against", "git:main"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("HAM0702");
    expect(r.stderr).toContain("hamlet.toml:5:12");
    write("hamlet.toml", '[hamlet]\nschema = "schema/*.hamlet"\n');
    write("schema/shop.hamlet", v1);
  });

  it("compares two paths, and rejects bad usage with exit 2", async () => {
    write(
      "old/a.hamlet",
      'package shop\n\nenum Status { Open, Closed }\nendpoint S: GET "/s" {\n  response { s: Status }\n}\n',
    );
    write(
      "new/a.hamlet",
      'package shop\n\nenum Status { Open, Closed, Archived }\nendpoint S: GET "/s" {\n  response { s: Status }\n}\n',
    );
    const r = await hamletc(["diff", "old/a.hamlet", "new"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("enum.variant_added Status.Archived");
    expect((await hamletc(["diff", "old", "old/a.hamlet"])).code).toBe(0);
    expect((await hamletc(["diff"])).code).toBe(2);
    expect((await hamletc(["diff", "--against", "git:no-such-branch"])).code).toBe(2);
    expect((await hamletc(["diff", "--against", "main"])).code).toBe(2);
    expect((await hamletc(["diff", "old", "new", "--fail-on", "clients"])).code).toBe(2);
    write("bad/a.hamlet", "package shop\nrecord A { x: Nope }\n");
    const bad = await hamletc(["diff", "old", "bad"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("HAM0201");
    const help = await hamletc(["diff", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--against <git:REF>");
    expect(readFileSync(join(repoRoot, "README.md"), "utf8")).toContain("hamletc diff");
  });
});
