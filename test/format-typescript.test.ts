/**
 * Generated TypeScript is formatted in chunks (src/emit/format-typescript.ts); the result must
 * be exactly what Prettier makes of the whole file. A schema large enough for several chunks.
 */
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as prettier from "prettier";
import { expect, it } from "vitest";
import { typescriptEmitter } from "../emitters/typescript/index.js";
import { compile } from "../src/program/compile.js";

function largeSchema(records: number): string {
  const lines = ["package big", "", "enum Status { Active, Paused }", ""];
  for (let r = 0; r < records; r++) {
    lines.push(`/// Record ${r}.`, `record Item${r} {`, `  name: String @length(1, 80)`, `  count: Int @range(0, 9)`);
    lines.push(`  tags: List<String> @maxItems(5)`, `  at: Timestamp?`, `  status: Status = Active`, `}`, "");
    lines.push(
      `@auth(session)`,
      `endpoint Put${r}: PUT "/api/items${r}/{id}" {`,
      `  request { id: Uuid, item: Item${r} }`,
    );
    lines.push(`  response Item${r}`, `  errors { NotFound, Conflict { current: Item${r} } }`, `}`, "");
  }
  return lines.join("\n");
}

it("chunked formatting equals whole-file Prettier on a multi-chunk schema", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hamlet-fmt-ts-"));
  try {
    const file = join(dir, "big.hamlet");
    writeFileSync(file, largeSchema(120));
    const { schema, diagnostics } = compile({ entries: [file], features: { database: true, eventStore: true } });
    expect(diagnostics).toEqual([]);
    const files = await typescriptEmitter.emit(schema!, {
      options: { runtime_import: "@hamlet/runtime-node" },
      report: () => undefined,
      readExisting: () => undefined,
      listExisting: () => [],
    });
    const validators = files.find((f) => f.path === "validators.ts")!;
    expect(validators.content.length).toBeGreaterThan(400_000);
    for (const f of files) {
      expect(f.content).not.toContain("hamlet:top-level-break");
      const whole = await prettier.format(f.content, { parser: "typescript", printWidth: 100 });
      expect(whole === f.content, `${f.path} differs from whole-file Prettier`).toBe(true);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
