/**
 * Specific OpenAPI shapes on a small schema: docs and deprecation, several errors on one status,
 * a declared error sharing the runtime's tag, custom statuses, path/body split, multipart files.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../emitters/openapi/index.js";
import { compile } from "../src/program/compile.js";
import { componentAjv } from "./openapi-ajv.js";

const SOURCE = `package shapes

/// A thing.
@deprecated("use Other")
record Thing {
  /// The name.
  name: String @length(2, 5)
  tags: List<String> @minItems(1)
  counts: Map<String, Int> @maxItems(2)
}

/// Acts on a thing.
@auth(session)
endpoint Act: POST "/act/{id}" {
  request { id: Int @range(1, 10), note: String? }
  response Thing
  errors {
    /// No such thing.
    NotFound
    /// Gone away.
    Missing @status(404)
    Unauthorized { reason: String }
    Teapot @status(418)
  }
}

endpoint Find: GET "/things" {
  request { tags: List<String>, must: List<String> @minItems(1), page: Int = 1 }
  response List<Thing>
}

upload Picture: PUT "/things/{id}/picture" {
  fields { id: Int, caption: String? }
  file { max_size: 1MB, types: ["image/png"] }
}
`;

const dir = mkdtempSync(join(tmpdir(), "hamlet-openapi-shapes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "shapes.hamlet"), SOURCE);
const compiled = compile({ entries: [join(dir, "shapes.hamlet")], features: { database: false, eventStore: false } });
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- reading a JSON document
type Json = Record<string, any>;
const doc = openApiDocument(compiled.schema!) as Json;
const act = doc.paths["/act/{id}"].post;

describe("openapi shapes", () => {
  it("compiles cleanly and validates", async () => {
    expect(compiled.diagnostics.map((d) => d.message)).toEqual([]);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it("carries doc comments and deprecation", () => {
    const thing = doc.components.schemas.Thing;
    expect(thing.description).toBe("A thing.\nDeprecated: use Other");
    expect(thing.deprecated).toBe(true);
    expect(thing.properties.name).toMatchObject({
      type: "string",
      minLength: 2,
      maxLength: 5,
      description: "The name.",
    });
    expect(thing.properties.counts).toMatchObject({ type: "object", maxProperties: 2 });
    expect(thing.properties.tags).toMatchObject({ type: "array", minItems: 1 });
    expect(act.summary).toBe("Acts on a thing.");
  });

  it("splits path parameters from the JSON body", () => {
    expect(act.parameters).toEqual([
      { name: "id", in: "path", required: true, schema: { type: "integer", minimum: 1, maximum: 10 } },
    ]);
    expect(act.requestBody).toEqual({
      required: false,
      content: { "application/json": { schema: { $ref: "#/components/schemas/ActRequest.Body" } } },
    });
    expect(Object.keys(doc.components.schemas["ActRequest.Body"].properties)).toEqual(["note"]);
    expect(act.security).toEqual([{ session: [] }]);
  });

  it("puts several errors on one status in a discriminated oneOf", () => {
    expect(Object.keys(act.responses)).toEqual(["200", "400", "401", "404", "418", "500"]);
    expect(act.responses["404"].content["application/json"].schema).toEqual({
      oneOf: [{ $ref: "#/components/schemas/ActError.NotFound" }, { $ref: "#/components/schemas/ActError.Missing" }],
      discriminator: {
        propertyName: "tag",
        mapping: {
          NotFound: "#/components/schemas/ActError.NotFound",
          Missing: "#/components/schemas/ActError.Missing",
        },
      },
    });
    expect(act.responses["404"].description).toBe("One of:\n- `NotFound`: No such thing.\n- `Missing`: Gone away.");
    expect(act.responses["418"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/ActError.Teapot",
    });
  });

  it("keeps both 401 bodies when a declared Unauthorized has fields", () => {
    const schema = act.responses["401"].content["application/json"].schema;
    expect(schema).toEqual({
      anyOf: [
        { $ref: "#/components/schemas/Hamlet.Unauthorized" },
        { $ref: "#/components/schemas/ActError.Unauthorized" },
      ],
    });
    const ajv = componentAjv(doc as never);
    const validate = ajv.compile({ $ref: "https://hamlet.invalid/openapi.json#/components/schemas/ActError" });
    expect(validate({ tag: "Unauthorized", reason: "expired" })).toBe(true);
    expect(validate({ tag: "Unauthorized" })).toBe(false);
  });

  it("query lists explode and are required only with minItems", () => {
    const params = doc.paths["/things"].get.parameters as Json[];
    expect(params.map((p) => [p.name, p.in, p.required, p.explode ?? null])).toEqual([
      ["tags", "query", false, true],
      ["must", "query", true, true],
      ["page", "query", false, null],
    ]);
    expect(params[2]!.schema.default).toBe(1);
    expect(doc.paths["/things"].get.responses["200"].content["application/json"].schema).toEqual({
      type: "array",
      items: { $ref: "#/components/schemas/Thing" },
    });
  });

  it("describes uploads as multipart with file constraints", () => {
    const put = doc.paths["/things/{id}/picture"].put;
    const multipart = put.requestBody.content["multipart/form-data"];
    expect(multipart.schema.required).toEqual(["file"]);
    expect(multipart.schema.properties.file).toMatchObject({
      type: "string",
      contentMediaType: "image/png",
      maxLength: 1024 * 1024,
    });
    expect(multipart.encoding).toEqual({ file: { contentType: "image/png" } });
    expect(Object.keys(multipart.schema.properties)).toEqual(["caption", "file"]);
    expect(Object.keys(put.responses)).toEqual(["204", "400", "500"]);
  });
});
