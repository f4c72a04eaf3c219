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
import { componentAjv } from "./openapi-ajv.js";
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
    expect(orphanGoldens("docs", cases.map((c) => c.name))).toEqual([]);
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
        expect(validate(example), `${def.name} ${JSON.stringify(example)}: ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    });
  }
});
