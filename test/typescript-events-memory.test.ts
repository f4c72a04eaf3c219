/**
 * `events.ts` of a schema compiled with `event_store = false` (the degraded mode): it says so
 * (`EVENT_STORE = false`), keeps the typed emit and service clients, compiles under
 * `tsc --strict` with the rest of the generated files, and is printed in Prettier's layout.
 * Plus: schema types that would collide with names of events.ts are rejected with a clear message.
 */
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { format } from "prettier";
import { describe, expect, it } from "vitest";
import { compile } from "../src/program/compile.js";
import { repoRoot } from "./support/corpus.js";
import { emitTypescript, tmpRoot, writeFiles } from "./support/ts-emit.js";

const run = promisify(execFile);

const SCHEMA = `package shop

/// Raised when an order is placed.
event OrderPlaced { order_id: Uuid, at: Timestamp }

service Mailer: POST "https://mail.example.com/send" {
  request { to: String, subject: String }
}

@emits(OrderPlaced)
endpoint PlaceOrder: POST "/api/orders" {
  request { total: Int }
  response { order_id: Uuid }
}
`;

function compileWithoutEventStore(dir: string, source: string) {
  const file = join(dir, "shop.hamlet");
  writeFileSync(file, source);
  const result = compile({ entries: [file], features: { database: true, eventStore: false } });
  if (!result.schema) throw new Error(result.diagnostics.map((d) => d.message).join("; "));
  return result.schema;
}

describe("events.ts without the event store", () => {
  it(
    "is generated for memory mode, compiles under tsc --strict and keeps Prettier's layout",
    { timeout: 120_000 },
    async () => {
      const dir = join(tmpRoot, `events-memory-${process.pid}`);
      mkdirSync(dir, { recursive: true });
      try {
        const files = await emitTypescript(compileWithoutEventStore(dir, SCHEMA));
        const events = files.get("events.ts")!;
        expect(events).toContain("export const EVENT_STORE = false;");
        expect(events).toContain("mailer(request: MailerRequest): Promise<EmittedEvent>;");
        expect(events).not.toContain("WorkflowHandlers");
        expect(files.get("server.ts")).toContain('context: EndpointContext & EmitsContext<"OrderPlaced">');
        expect(await format(events, { parser: "typescript", printWidth: 100 })).toBe(events);
        const out = join(dir, "generated");
        writeFiles(out, files);
        const runtime = join(repoRoot, "runtime-node", "src", "index.ts");
        const tsconfig = {
          compilerOptions: {
            target: "ES2022",
            module: "NodeNext",
            moduleResolution: "NodeNext",
            strict: true,
            noUncheckedIndexedAccess: true,
            exactOptionalPropertyTypes: true,
            noImplicitReturns: true,
            skipLibCheck: true,
            noEmit: true,
            types: ["node"],
            typeRoots: [join(repoRoot, "node_modules", "@types")],
            baseUrl: repoRoot,
            paths: { "@hamlet/runtime-node": [relative(repoRoot, runtime)] },
          },
          include: [join(out, "*.ts")],
        };
        writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
        const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
        const output = await run(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")]).then(
          (r) => r.stdout,
          (e: { stdout?: string }) => e.stdout ?? "",
        );
        // Only problems in the generated files count (runtime-node is checked by its own tsconfig).
        const problems = output.split("\n").filter((line) => line.includes(`events-memory-${process.pid}/generated/`));
        expect(problems).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("rejects a schema type that collides with a name of events.ts", async () => {
    const dir = join(tmpRoot, `events-names-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      const schema = compileWithoutEventStore(dir, "package shop\nevent Services { id: Uuid }\n");
      await expect(emitTypescript(schema)).rejects.toThrow(
        "the type name Services collides with a name of events.ts; rename the type",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
