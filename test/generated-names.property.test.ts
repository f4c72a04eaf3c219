/**
 * The law behind HAM0214/HAM0215: whenever `check` accepts a schema, `build` succeeds and the
 * generated code compiles. fast-check draws schemas whose names come from pools full of names
 * the generated code already uses (Elm's `Just`, TypeScript's `Record`, prelude helpers,
 * keywords, runtime tables) and of names that collide after case conversion (`Post`/`post`,
 * `URLThing`/`UrlThing`). Every accepted schema is emitted with its own Elm prefix and
 * TypeScript folder, and one `elm make` and one `tsc --strict` compile the whole batch, so the
 * property stays affordable; the SQLite migrations are applied after the runtime's own tables.
 * A failure prints the schema that broke it.
 *
 * HAMLET_PROPERTY_SEED and HAMLET_PROPERTY_RUNS reproduce or widen a run.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadEmitters } from "../emitters/index.js";
import { checksum, migrate, openDatabase } from "../runtime-node/src/index.js";
import { ensureRuntimeTables } from "../runtime-node/test/support/runtime-tables.js";
import { runEmitters, type EmitterSelection } from "../src/emit/run.js";
import type { EmittedFile } from "../src/emit/types.js";
import { compile } from "../src/program/compile.js";
import { repoRoot } from "./support/corpus.js";
import { elmProject, elmReady, runElmAsync } from "./support/elm-project.js";

const run = promisify(execFile);
const seed = Number(process.env.HAMLET_PROPERTY_SEED ?? 20261130);
const runs = Number(process.env.HAMLET_PROPERTY_RUNS ?? 60);

const TYPE_NAMES = [
  ...["Post", "post", "Item", "Thing", "URLThing", "UrlThing", "Color", "Shape", "Model2", "Main", "Api"],
  ...["Just", "Nothing", "Ok", "Err", "True", "LT", "Maybe", "Result", "Never", "Order", "Char", "Cmd"],
  ...["Sub", "Program", "Dict", "Decode", "Encode", "Decoder", "Value", "Task", "Http", "Time", "Html"],
  ...["Config", "Violation", "Hamlet", "Types", "Platform", "Record", "Array", "Promise", "Object"],
  ...["Error", "RegExp", "Issue", "Decoded", "Handlers", "Client", "Send", "Failure", "HamletServer"],
  ...["Uint8Array", "Row", "SqlValue", "ListOptions", "PostInput", "PostValues", "PostTags", "ColorValues"],
  ...["ColorTags", "GetPostResult", "GetPostRequest", "PostRepository", "PostKey", "any", "class"],
  ...["type", "value", "result", "errors", "isObject", "Identity", "Max", "Required", "DecodeObject"],
  ...["PATTERN_0", "FooAt", "Foo", "DefaultFoo", "FooDecoder", "ToString", "Set", "Date2", "Json2"],
];
const VARIANT_NAMES = [
  ...["Red", "Green", "red", "Just", "Nothing", "Ok", "Err", "True", "False", "GT", "Post", "Color"],
  ...["Item", "Value", "Decoder", "Config", "Task", "Cmd", "Maybe", "Record", "Array", "Foo", "Red_"],
];
const FIELD_NAMES = [
  ...["id", "name", "Name", "type", "if", "then", "class", "value", "reply_to", "replyTo", "Just"],
  ...["Nothing", "errors", "path", "result", "default", "import", "let", "in", "case", "of", "port"],
  ...["module", "where", "x_", "_x", "config", "request", "toMsg", "v", "decoder", "required"],
];
const ENDPOINT_NAMES = [
  ...["GetPost", "getPost", "If", "Then", "Type", "Let", "Max", "Identity", "Config", "Required"],
  ...["Decode", "Task", "Url", "GetPostTask", "GetPostUrl", "Send", "Fail", "RegisterRoutes", "Post"],
  ...["CreateClient", "Constructor", "ToString", "Always", "Min", "Never", "Just", "ObjectOf", "BoolText"],
];
const MODEL_NAMES = ["Post", "Person", "Row", "SqlValue", "Migration", "Kv", "Record", "Key", "PostKey", "person"];
const TABLES = [undefined, undefined, "posts", "Posts", "hamlet_kv", "sqlite_x", "person_pkey", "people", "kv"];
const PRIMITIVES = ["Int", "String", "Bool", "Float", "Uuid", "Timestamp"];

interface Draft {
  readonly types: { kind: "record" | "enum" | "alias"; name: string; fields: string[]; variants: string[] }[];
  readonly endpoints: { name: string; post: boolean; fields: string[]; response: number }[];
  readonly models: { name: string; table: string | undefined; fields: string[] }[];
}

const pick = (pool: readonly string[]) => fc.constantFrom(...pool);

const draft: fc.Arbitrary<Draft> = fc.record({
  types: fc.array(
    fc.record({
      kind: fc.constantFrom("record" as const, "enum" as const, "alias" as const),
      name: pick(TYPE_NAMES),
      fields: fc.uniqueArray(pick(FIELD_NAMES), { maxLength: 3 }),
      variants: fc.uniqueArray(pick(VARIANT_NAMES), { minLength: 1, maxLength: 3 }),
    }),
    { maxLength: 4 },
  ),
  endpoints: fc.array(
    fc.record({
      name: pick(ENDPOINT_NAMES),
      post: fc.boolean(),
      fields: fc.uniqueArray(pick(FIELD_NAMES), { maxLength: 2 }),
      response: fc.nat({ max: 5 }),
    }),
    { maxLength: 2 },
  ),
  models: fc.array(
    fc.record({
      name: pick(MODEL_NAMES),
      table: fc.constantFrom(...TABLES),
      fields: fc.uniqueArray(pick(FIELD_NAMES), { maxLength: 2 }),
    }),
    { maxLength: 2 },
  ),
});

/** Schema text for a draft: fields use primitives or types declared before them. */
function schemaText(d: Draft): string {
  const lines = ["package prop", ""];
  const declared: string[] = [];
  const fieldType = (i: number) =>
    declared.length > 0 && i % 2 === 1 ? declared[i % declared.length]! : PRIMITIVES[i % PRIMITIVES.length]!;
  for (const t of d.types) {
    if (t.kind === "record")
      lines.push(`record ${t.name} { ${t.fields.map((f, i) => `${f}: ${fieldType(i)}`).join(", ")} }`);
    else if (t.kind === "enum") {
      const variants = t.variants.map((v, i) =>
        i === 1 && t.fields[0] ? `${v} { ${t.fields[0]}: ${fieldType(i)} }` : v,
      );
      lines.push(`enum ${t.name} { ${variants.join(", ")} }`);
    } else lines.push(`alias ${t.name} = ${declared.length > 0 ? `List<${declared[0]}>` : "Int"}`);
    declared.push(t.name);
  }
  d.endpoints.forEach((e, i) => {
    const response =
      e.response === 0
        ? ""
        : e.response === 1
          ? "response List<Int>"
          : declared.length > 0
            ? `response ${declared[e.response % declared.length]}`
            : "response { ok: Bool }";
    const request =
      e.fields.length > 0 ? `request { ${e.fields.map((f, j) => `${f}: ${PRIMITIVES[j]}`).join(", ")} }` : "";
    lines.push(
      `endpoint ${e.name}: ${e.post ? "POST" : "GET"} "/p${i}" { ${[request, response].filter(Boolean).join(", ")} }`,
    );
  });
  for (const m of d.models) {
    if (m.table !== undefined) lines.push(`@table(${JSON.stringify(m.table)})`);
    lines.push(`model ${m.name} {`, "  key: Int @primary", ...m.fields.map((f) => `  ${f}: String @index`), "}");
  }
  return `${lines.join("\n")}\n`;
}

/** Every emitter, the Elm one under its own module prefix. */
async function emitterSelection(prefix: string): Promise<EmitterSelection[]> {
  return (await loadEmitters()).map((emitter): EmitterSelection => ({
    emitter,
    options: emitter.name === "elm" ? { prefix: { value: prefix, span: undefined } } : {},
  }));
}

const tsconfig = (include: string) => ({
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
    typeRoots: [join(repoRoot, "node_modules", "@types")],
    baseUrl: repoRoot,
    paths: {
      "@hamlet/runtime-node": ["runtime-node/src/index.ts"],
      "@hamlet/runtime-node/validate": ["runtime-node/src/validate/index.ts"],
      "@hamlet/runtime-node/repository": ["runtime-node/src/repository/index.ts"],
    },
  },
  include: [include],
});

describe("a schema that checks builds, and its Elm and TypeScript compile", () => {
  const elm = elmReady("test/generated-names.property.test.ts");

  it("holds for schemas drawn from names the generated code already uses", { timeout: 600_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), "hamlet-names-"));
    try {
      const accepted: { text: string; prefix: string; files: EmittedFile[] }[] = [];
      let rejectedByNames = 0;
      const drafts = fc.sample(draft, { numRuns: runs, seed });
      for (const [i, d] of drafts.entries()) {
        const text = schemaText(d);
        const file = join(root, `s${i}.hamlet`);
        writeFileSync(file, text);
        const result = compile({ entries: [file], features: { database: true, eventStore: true } });
        if (result.diagnostics.some((x) => x.code === "HAM0214" || x.code === "HAM0215")) rejectedByNames++;
        if (!result.schema) continue;
        const prefix = `S${i}`;
        const built = await runEmitters(result.schema, await emitterSelection(prefix));
        const errors = built.diagnostics.filter((x) => x.severity === "error");
        expect(
          errors.map((x) => `${x.code} ${x.message}`),
          `build failed for:\n${text}`,
        ).toEqual([]);
        accepted.push({ text, prefix, files: built.files });
      }
      // The pools must exercise both sides of the law, or the test proves nothing.
      expect(accepted.length, "too few schemas passed check").toBeGreaterThanOrEqual(runs / 10);
      expect(rejectedByNames, "too few schemas hit a generated-name rule").toBeGreaterThanOrEqual(runs / 10);

      const schemaOfPath = (path: string) =>
        accepted.find((a) => path.includes(`/${a.prefix}/`) || path.includes(`/${a.prefix.toLowerCase()}/`))?.text;

      // SQL: the runtime's tables and then the schema's migrations go into one SQLite database.
      for (const a of accepted) {
        const migrations = a.files
          .filter((f) => /^sql\/sqlite\/\d+_.*\.up\.sql$/.test(f.path))
          .map((f, i) => ({ id: i + 1, name: f.path, sql: f.content, checksum: checksum(f.content) }));
        if (migrations.length === 0) continue;
        const db = openDatabase(":memory:");
        try {
          await ensureRuntimeTables(db);
          await expect(migrate(db, migrations), `migrations failed for:\n${a.text}`).resolves.toBeDefined();
        } finally {
          await db.close();
        }
      }

      // TypeScript: every accepted schema in its own folder, one tsc run.
      const tsRoot = join(root, "ts");
      for (const a of accepted)
        for (const f of a.files)
          if (f.path.startsWith("typescript/") || f.path.startsWith("repository/")) {
            const path = join(tsRoot, a.prefix.toLowerCase(), f.path);
            mkdirSync(dirname(path), { recursive: true });
            writeFileSync(path, f.content);
          }
      writeFileSync(join(tsRoot, "tsconfig.json"), JSON.stringify(tsconfig(join(tsRoot, "**", "*.ts"))));
      const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
      const tsOutput = await run(process.execPath, [tsc, "-p", join(tsRoot, "tsconfig.json")], { cwd: tsRoot }).then(
        (r) => r.stdout,
        (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ""}${e.stderr ?? ""}`,
      );
      const tsProblems = tsOutput
        .split("\n")
        .filter((l) => /error TS/.test(l) && !l.includes("runtime-node/src/"))
        .map((l) => `${l}\n--- schema:\n${schemaOfPath(`/${relative(tsRoot, l.split("(")[0]!)}`) ?? "?"}`);
      expect(tsProblems).toEqual([]);

      // Elm: every accepted schema under its own module prefix, one elm make.
      if (!elm) return;
      const runtime = new Map<string, EmittedFile>();
      const modules: EmittedFile[] = [];
      const imports: string[] = [];
      for (const a of accepted)
        for (const f of a.files) {
          if (!f.path.startsWith("elm/")) continue;
          const path = f.path.slice("elm/".length);
          if (path.startsWith("Hamlet/")) runtime.set(path, { path, content: f.content });
          else {
            modules.push({ path, content: f.content });
            imports.push(
              `import ${path
                .replace(/\.elm$/, "")
                .split("/")
                .join(".")}`,
            );
          }
        }
      const main = [
        "module Main exposing (main)",
        "",
        ...imports.sort(),
        "",
        "",
        "main : Program () () ()",
        "main =",
        "    Platform.worker { init = \\_ -> ( (), Cmd.none ), update = \\_ model -> ( model, Cmd.none ), subscriptions = \\_ -> Sub.none }",
        "",
      ].join("\n");
      const project = elmProject([...runtime.values(), ...modules, { path: "Main.elm", content: main }]);
      try {
        const { status, output } = await runElmAsync(project.dir, ["make", "src/Main.elm", "--output=/dev/null"]);
        const broken = [...output.matchAll(/src\/(S\d+)\//g)].map((m) => m[1]!);
        const texts = [...new Set(broken)].map((p) => accepted.find((a) => a.prefix === p)?.text ?? p);
        expect(status, `${output}\n--- schemas:\n${texts.join("\n---\n")}`).toBe(0);
      } finally {
        project.cleanup();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
