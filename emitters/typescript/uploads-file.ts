/**
 * `uploads.ts` (only when the schema declares uploads): `UploadHandlers` (one method per upload,
 * given the decoded fields and the stored, checked file), `UPLOAD_CONSTRAINTS` and
 * `registerUploads(app, handlers, options?)` built on runtime-node's `serveUploads`, which streams
 * each upload to storage and serves its downloads.
 */
import { hardline, join, type Doc } from "../../src/emit/doc.js";
import { TsFile } from "../../src/emit/ts-file.js";
import {
  arr,
  arrow,
  atom,
  block,
  call,
  expr as exprDoc,
  group,
  jsonExpr,
  obj,
  params,
  ret,
  str,
  type Expr,
} from "../../src/emit/ts-syntax.js";
import { findRecord } from "../../src/schema/query.js";
import type { FileConstraints, UploadDef } from "../../src/schema/types.js";
import { handlerContextType, interfaceBody, method, routeLine, textKind } from "./http-file.js";
import { camel, propKey, type TypeTable } from "./model.js";
import { docLines } from "./types-file.js";

/** The response type of an upload: a named type (inline records are named `<Upload>Response`). */
function responseType(upload: UploadDef): string | undefined {
  if (upload.response === undefined) return undefined;
  if (upload.response.kind !== "ref")
    throw new Error(`upload ${upload.name}: its response must be a record or a named type`);
  return upload.response.name;
}

function constraintsExpr(file: FileConstraints): Expr {
  const props: [string, Expr][] = [];
  if (file.maxSize !== undefined) props.push(["maxSize", atom(String(file.maxSize))]);
  if (file.types !== undefined) props.push(["types", arr(file.types.map((t) => str(t)))]);
  if (file.maxDimensions !== undefined)
    props.push(["maxDimensions", jsonExpr({ width: file.maxDimensions.width, height: file.maxDimensions.height })]);
  return obj(props);
}

/** The `uploads.ts` file, or `undefined` when the schema declares no upload. */
export function uploadsFile(table: TypeTable, header: string, runtimeImport: string): string | undefined {
  const uploads = table.schema.uploads;
  if (uploads.length === 0) return undefined;
  const file = new TsFile(header)
    .module(runtimeImport)
    .module("./events.js")
    .module("./types.js", true)
    .module("./validators.js");
  const rt = (name: string, type = false) => file.import(name, runtimeImport, { type });
  const types = (name: string) => file.import(name, "./types.js", { type: true });
  const validators = (name: string) => file.import(name, "./validators.js");
  const methods: Doc[] = [];
  const specs: Expr[] = [];
  for (const u of uploads) {
    const fields = findRecord(table.schema, u.fields);
    const response = responseType(u);
    let returns = response === undefined ? "void" : types(response);
    if (u.errors !== undefined) returns = `${returns} | ${rt("Failure", true)}<${types(u.errors)}>`;
    const context = handlerContextType(file, rt, u);
    methods.push(
      method(
        docLines(u.docs, u.deprecated, [routeLine(u)]),
        camel(u.name),
        [`fields: ${types(u.fields)}`, `file: ${rt("UploadedFile", true)}`, `context: ${context}`],
        `Promise<${returns}>`,
      ),
    );
    const paramSpecs = (names: readonly string[]): Expr =>
      obj(
        names.map((name): [string, Expr] => {
          const field = fields.fields.find((f) => f.name === name)!;
          return [propKey(name), obj([["kind", str(textKind(table, field.type).kind)]])];
        }),
      );
    let errors: Expr = atom("undefined");
    if (u.errors !== undefined) {
      const def = table.get(u.errors);
      if (def.kind !== "enum") throw new Error(`errors ${u.errors} is not an enum`);
      errors = obj([
        ["status", obj(def.variants.map((v) => [propKey(v.name), atom(String(v.status ?? 422))]))],
        ["encode", atom(validators(`encode${u.errors}`))],
      ]);
    }
    const given = u.auth ? call(rt("authenticated"), atom("context")) : atom("context");
    const handler = `handlers.${camel(u.name)}`;
    const handle =
      u.emits.length === 0
        ? call(handler, atom("fields"), atom("file"), given)
        : call(
            rt("withEmit"),
            given,
            arrow(
              "c",
              call(handler, atom("fields"), atom("file"), call(file.import("emitting", "./events.js"), atom("c"))),
            ),
          );
    const textFields = fields.fields.map((f) => f.name).filter((n) => !u.pathParams.includes(n));
    specs.push(
      call(
        rt("defineUpload"),
        obj(
          [
            ["name", str(u.name)],
            ["method", str(u.method)],
            ["path", str(u.path)],
            ["auth", atom(u.auth ? "true" : "false")],
            ["pathParams", paramSpecs(u.pathParams)],
            ["fields", paramSpecs(textFields)],
            ["decode", atom(validators(`decode${u.fields}`))],
            ["file", atom(`UPLOAD_CONSTRAINTS.${u.name}`)],
            ["emits", atom(u.emits.length > 0 ? "true" : "false")],
            ["encode", atom(response === undefined ? "undefined" : validators(`encode${response}`))],
            ["errors", errors],
            ["handle", arrow("fields, file, context", handle)],
          ],
          true,
        ),
      ),
    );
  }
  rt("HamletServer", true);
  rt("UploadOptions", true);
  rt("UploadRoutes", true);
  rt("FileConstraints", true);
  file.print([
    join(hardline, [
      "/**",
      " * One method per upload: it gets the decoded fields and the file, already checked against the",
      " * upload's constraints and stored. Return the response, or `fail(error)` for a declared error;",
      " * the stored file is deleted when the method fails or throws.",
      " */",
    ]),
    hardline,
    interfaceBody("export interface UploadHandlers", methods),
  ]);
  file.print([
    "/** The `file { ... }` constraints of each upload (the Elm client checks the same before sending). */",
    hardline,
    "export const UPLOAD_CONSTRAINTS = ",
    (() => {
      const entries = uploads.map((u): [string, Expr] => [propKey(u.name), constraintsExpr(u.file)]);
      return exprDoc(obj(entries, true));
    })(),
    " satisfies Record<string, FileConstraints>;",
  ]);
  file.print([
    join(hardline, [
      "/**",
      ` * Serves every upload of the schema on \`app\` (call before \`listen\`): its multipart route, and`,
      " * `GET /files/<Upload>/<id>` for downloads (see `UploadOptions`). Files go to `options.storage`,",
      " * else to the storage `[hamlet.uploads]` configures (local files by default).",
      " */",
    ]),
    hardline,
    group([
      "export function registerUploads",
      params(["app: HamletServer", "handlers: UploadHandlers", "options: UploadOptions = {}"], "UploadRoutes"),
    ]),
    " ",
    block([ret(call(rt("serveUploads"), atom("app"), arr(specs), atom("options")))]),
  ]);
  return file.toString();
}
