/** Every source file is formatted with Prettier (generated output is checked by its own goldens). */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import { expect, it } from "vitest";
import { repoRoot } from "./support/corpus.js";

it("formats every tracked TypeScript and JavaScript source file", async () => {
  const tracked = execFileSync("git", ["ls-files", "*.ts", "*.js", "*.mjs"], { cwd: repoRoot, encoding: "utf8" })
    .split("\n")
    .filter((f) => f !== "");
  const unformatted: string[] = [];
  for (const file of tracked) {
    const path = join(repoRoot, file);
    const info = await prettier.getFileInfo(path, { ignorePath: join(repoRoot, ".prettierignore") });
    if (info.ignored) continue;
    const options = (await prettier.resolveConfig(path)) ?? {};
    const text = readFileSync(path, "utf8");
    if (!(await prettier.check(text, { ...options, filepath: path }))) unformatted.push(file);
  }
  expect(unformatted, "run `npm run format`").toEqual([]);
});
