/** spec/language.md lists exactly the diagnostic codes of the table, with their severities. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { messages } from "../src/diagnostics/messages.js";
import { repoRoot } from "./support/corpus.js";

it("documents every diagnostic code with its severity, and no other", () => {
  const text = readFileSync(join(repoRoot, "spec", "language.md"), "utf8");
  const rows = [...text.matchAll(/^\| (HAM\d{4}) \| (error|warning) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
  const table = Object.entries(messages).map(([code, def]) => `${code} ${def.severity}`);
  expect(rows.sort()).toEqual(table.sort());
});
