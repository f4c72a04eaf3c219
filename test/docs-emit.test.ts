/**
 * The docs emitter: goldens for every valid corpus entry and shared example, every declaration
 * documented, every JSON block well formed, and every type's wire example accepted by the JSON
 * Schema the openapi emitter publishes for it.
 */
import { describe, expect, it } from "vitest";
import { docsEmitter } from "../emitters/docs/index.js";
import { anchor } from "../emitters/docs/markdown.js";
import { openApiDocument } from "../emitters/openapi/index.js";
import type { AnyEmitter } from "../src/emit/types.js";
import { componentAjv, DOC_ID } from "./openapi-ajv.js";
import { checkGolden, emitWith, orphanGoldens, schemaCases } from "./openapi-support.js";

const emitter = docsEmitter as unknown as AnyEmitter;
const cases = schemaCases();

/** The text of the section starting at `<a id="id">`, up to the next anchor. */
function section(markdown: string, id: string): string | undefined {
  const start = markdown.indexOf(`<a id="${id}"></a>`);
  if (start < 0) return undefined;
  const next = markdown.indexOf("<a id=", start + 1);
  return markdown.slice(start, next < 0 ? undefined : next);
}

function jsonBlocks(text: string): string[] {
  return [...text.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

describe("docs goldens", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const files = await emitWith(emitter, c.schema);
      expect(files.map((f) => f.path)).toEqual(["api.md"]);
      expect(checkGolden("docs", c.name, files)).toEqual([]);
    });
  }
  it("no golden without a case", () => {
    expect(
      orphanGoldens(
        "docs",
        cases.map((c) => c.name),
      ),
    ).toEqual([]);
  });
});

describe("docs cover every declaration", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const [file] = await emitWith(emitter, c.schema);
      const md = file!.content;
      const s = c.schema;
      const expected: [string, readonly { name: string; docs: readonly string[] }[]][] = [
        ["type", s.types],
        ["endpoint", s.endpoints],
        ["upload", s.uploads],
        ["sse", s.sse],
        ["websocket", s.websockets],
        ["worker", s.workers],
        ["event", s.events],
        ["service", s.services],
        ["workflow", s.workflows],
        ["model", s.models],
      ];
      for (const [kind, decls] of expected) {
        for (const decl of decls) {
          const text = section(md, anchor(kind, decl.name));
          expect(text, `${kind} ${decl.name}`).toBeDefined();
          expect(text).toContain(`\`${decl.name}\``);
          for (const line of decl.docs) expect(text, `${kind} ${decl.name} doc`).toContain(line.trim());
        }
      }
      for (const block of jsonBlocks(md)) expect(() => JSON.parse(block)).not.toThrow();
      // Every link to an anchor in the document lands somewhere.
      for (const [, target] of md.matchAll(/\]\(#([^)]+)\)/g)) expect(md, target).toContain(`<a id="${target}"></a>`);
    });
  }
});

describe("docs wire examples satisfy the published JSON Schema", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const [file] = await emitWith(emitter, c.schema);
      const md = file!.content;
      const ajv = componentAjv(openApiDocument(c.schema, { examples: false }) as never);
      for (const def of c.schema.types) {
        const blocks = jsonBlocks(section(md, anchor("type", def.name))!);
        expect(blocks.length, def.name).toBeGreaterThan(0);
        const example = JSON.parse(blocks.at(-1)!);
        const validate = ajv.getSchema(`#/components/schemas/${def.name}`)!;
        expect(validate(example), `${def.name} ${JSON.stringify(example)}: ${JSON.stringify(validate.errors)}`).toBe(
          true,
        );
      }
    });
  }
});

describe("docs endpoint examples satisfy the OpenAPI operation", () => {
  /** Resolves `#/components/...` refs in an inline schema against the document. */
  const absolute = (schema: unknown): unknown =>
    JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`));

  for (const c of cases.filter((c) => c.schema.endpoints.length > 0)) {
    it(c.name, async () => {
      const [file] = await emitWith(emitter, c.schema);
      const md = file!.content;
      const doc = openApiDocument(c.schema, { examples: false }) as { paths: Record<string, Record<string, any>> }; // a JSON document
      const ajv = componentAjv(doc as never);
      for (const e of c.schema.endpoints) {
        const text = section(md, anchor("endpoint", e.name))!;
        const operation = doc.paths[e.path]![e.method.toLowerCase()]!;
        const check = (schema: unknown, value: unknown, what: string) => {
          const validate = ajv.compile(absolute(schema) as object);
          expect(
            validate(value),
            `${e.name} ${what} ${JSON.stringify(value)}: ${JSON.stringify(validate.errors)}`,
          ).toBe(true);
        };
        const http = /```http\n([\s\S]*?)\n```/.exec(text)![1]!;
        const [requestLine, ...rest] = http.split("\n");
        expect(requestLine!.startsWith(`${e.method} `)).toBe(true);
        const target = new URL(requestLine!.slice(e.method.length + 1), "http://x");
        // Path and query parameters: each text form fits its parameter's schema.
        for (const p of (operation.parameters ?? []) as {
          name: string;
          in: string;
          required: boolean;
          schema: { type?: string };
        }[]) {
          if (p.in === "query") {
            const values = target.searchParams.getAll(p.name);
            if (p.required) expect(values.length, `${e.name} ?${p.name}`).toBeGreaterThan(0);
            for (const v of values) {
              const parsed =
                p.schema.type === "integer" || p.schema.type === "number" || p.schema.type === "boolean"
                  ? JSON.parse(v)
                  : v;
              check(
                p.schema.type === "array" ? (p.schema as { items: unknown }).items : p.schema,
                parsed,
                `query ${p.name}`,
              );
            }
          }
        }
        if (operation.requestBody) {
          const body = JSON.parse(rest.slice(rest.indexOf("") + 1).join("\n"));
          check(operation.requestBody.content["application/json"].schema, body, "request body");
        }
        const blocks = jsonBlocks(text).map((b) => JSON.parse(b) as unknown);
        if (e.response) check(operation.responses["200"].content["application/json"].schema, blocks[0], "response");
        const errorBlocks = blocks.slice(e.response ? 1 : 0);
        for (const body of errorBlocks) {
          const tag = (body as { tag: string }).tag;
          const status = Object.entries(
            operation.responses as Record<string, { content?: Record<string, { schema: unknown }> }>,
          ).find(([, r]) => JSON.stringify(r.content ?? {}).includes(`.${tag}"`));
          expect(status, `${e.name} ${tag}`).toBeDefined();
          check(status![1].content!["application/json"]!.schema, body, `error ${tag}`);
        }
      }
    });
  }
});
