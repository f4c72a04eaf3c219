/** Unit tests of the Elm emitter: naming rules, options, registration, determinism. */
import { describe, expect, it } from "vitest";
import { builtinEmitters } from "../emitters/index.js";
import { buildContext } from "../emitters/elm/context.js";
import { elmEmitter, packageRoot, runtimeFiles } from "../emitters/elm/index.js";
import { fieldName, fieldNames, lowerFirst, variantNames } from "../emitters/elm/names.js";
import { resolveOptions } from "../src/emit/options.js";
import type { AnyEmitter } from "../src/emit/types.js";
import { elmCases, emitElm, schemaOf } from "./support/elm-project.js";
import { edgeSchemaFile } from "./support/elm-edge.js";
import { corpus, sharedExamples } from "./support/corpus.js";

describe("elm names", () => {
  it("camelCases fields and escapes keywords", () => {
    expect(fieldName("reply_to")).toBe("replyTo");
    expect(fieldName("retry_after_s")).toBe("retryAfterS");
    expect(fieldName("type")).toBe("type_");
    expect(fieldName("port")).toBe("port_");
    expect(fieldName("Upper_case")).toBe("upperCase");
    expect(fieldName("_x")).toBe("x");
    expect(fieldNames(["a_b", "aB"])).toEqual(["aB", "aB_"]);
  });

  it("lowers leading capitals for value names", () => {
    expect(lowerFirst("Post")).toBe("post");
    expect(lowerFirst("URLThing")).toBe("urlThing");
    expect(lowerFirst("ID")).toBe("id");
  });

  it("prefixes every variant of enums whose variants clash", () => {
    const http = variantNames(schemaOf(corpus("valid").find((c) => c.name === "valid/http")!.entry));
    expect([...http.get("GetItemError")!.values()]).toEqual(["GetItemErrorNotFound", "GetItemErrorGone"]);
    expect([...http.get("UpdateItemError")!.values()]).toEqual(["UpdateItemErrorNotFound", "UpdateItemErrorConflict"]);
    expect([...http.get("SortOrder")!.values()]).toEqual(["Asc", "Desc"]);
    const edge = variantNames(schemaOf(edgeSchemaFile()));
    expect([...edge.get("Status")!.values()]).toEqual(["StatusActive", "StatusThing"]);
    expect([...edge.get("Other")!.values()]).toEqual(["OtherActive", "OtherIdle"]);
    expect([...edge.get("Tree")!.values()]).toEqual(["Leaf", "Branch"]);
  });

  it("wraps records that refer to themselves, and only those", () => {
    const enums = buildContext(schemaOf(corpus("valid").find((c) => c.name === "valid/enums")!.entry));
    expect([...enums.wrapped]).toEqual(["Comment"]);
    const edge = buildContext(schemaOf(edgeSchemaFile()));
    expect([...edge.wrapped]).toEqual(["Node"]);
  });
});

describe("elm emitter", () => {
  it("is registered", async () => {
    expect(await builtinEmitters.find((e) => e.name === "elm")?.load()).toBe(elmEmitter);
    expect(elmEmitter.options.prefix.default).toBe("Api");
  });

  it("finds the runtime modules from its own folder", () => {
    expect(runtimeFiles(packageRoot()).map((f) => f.path)).toContain("Hamlet/Http.elm");
  });

  it("honors a dotted prefix", async () => {
    const files = await emitElm(schemaOf(sharedExamples()[1]!), "My.Api");
    const types = files.find((f) => f.path === "My/Api/Types.elm")!;
    expect(types.content.startsWith("module My.Api.Types exposing (")).toBe(true);
    const endpoints = files.find((f) => f.path === "My/Api/Endpoints.elm")!;
    expect(endpoints.content).toContain("import My.Api.Types as Types");
  });

  it("rejects a prefix that is not an Elm module name as an option error (HAM0802)", () => {
    for (const prefix of ["api", "Hamlet"]) {
      const { diagnostics } = resolveOptions(elmEmitter as unknown as AnyEmitter, {
        prefix: { value: prefix, span: undefined },
      });
      expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
        [
          "HAM0802",
          "The elm emitter option `prefix` must be an Elm module name such as `Api` or `My.Api` (and not `Hamlet`, the runtime's modules).",
        ],
      ]);
    }
  });

  it("is deterministic and starts every module with a module line and a doc comment", async () => {
    for (const c of elmCases()) {
      const schema = schemaOf(c.entry);
      const first = await emitElm(schema);
      expect(await emitElm(schema)).toEqual(first);
      for (const f of first.filter((x) => !x.path.startsWith("Hamlet/"))) {
        expect(f.content).toMatch(/^(port )?module \S+ exposing \(.*\)\n\n\{-\| /);
        // The WebSocket, Sse, Workers and WorkerBodies modules declare ports (wired by runtime-elm/js/*.js).
        expect(f.content.startsWith("port module "), f.path).toBe(
          /\/(WebSocket|Sse|Workers|WorkerBodies)\.elm$/.test(f.path),
        );
      }
    }
  });
});
