/**
 * The OpenAPI document in pieces a watch build keeps (see src/emit/fragment-cache.ts): each
 * type's components (with its wire example) and each endpoint's or upload's operation (with its
 * body component), kept by the declaration and the types it reaches, and their JSON text at the
 * depth where `JSON.stringify(doc, null, 2)` prints them, so a rebuild joins kept texts instead
 * of printing the whole document again.
 */
import { declarationTypes, FragmentCache, reachedTypesOnce, typesByName } from "../../src/emit/fragment-cache.js";
import { exampleOfType } from "../../src/schema/examples.js";
import type { EndpointDef, Schema, TypeDef, UploadDef } from "../../src/schema/types.js";
import { typeComponents, type JsonSchema } from "./json-schema.js";
import { bodyComponent, endpointOperation, uploadOperation } from "./operations.js";

/** A member of an object of the document: its key, its value and its JSON text (`"key": value`) at `MEMBER_INDENT`. */
export interface Member {
  readonly name: string;
  readonly value: JsonSchema;
  readonly text: string;
}

/** One endpoint's or upload's part: its operation (under `path`, `method`) and any body component. */
export interface OperationPiece {
  readonly path: string;
  readonly method: string;
  readonly operation: Member;
  readonly components: readonly Member[];
}

/** Component schemas and operations are both members at depth 3 (`components.schemas.X`, `paths./p.get`). */
const MEMBER_INDENT = "      ";

/** `value` as `JSON.stringify` prints it nested `indent` deep (string values hold no raw newline). */
export function nestedJson(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}

export function member(name: string, value: JsonSchema): Member {
  return { name, value, text: `${MEMBER_INDENT}${JSON.stringify(name)}: ${nestedJson(value, MEMBER_INDENT)}` };
}

const typePieces = new FragmentCache<readonly Member[]>();
const endpointPieces = new FragmentCache<OperationPiece, EndpointDef>();
const uploadPieces = new FragmentCache<OperationPiece, UploadDef>();

/** Every type's components, the first with the type's wire example when `examples`. */
export function typeMembers(schema: Schema, examples: boolean): Member[] {
  const reached = reachedTypesOnce(typesByName(schema));
  return schema.types.flatMap((def) =>
    typePieces.reuseOr(
      def,
      () => ({ reached: reached(def), context: String(examples) }),
      () => typeComponentMembers(schema, def, examples),
    ),
  );
}

function typeComponentMembers(schema: Schema, def: TypeDef, examples: boolean): Member[] {
  const example = examples ? exampleOfType(schema, { kind: "ref", name: def.name }) : undefined;
  return typeComponents(schema, def).map(([name, value]) =>
    member(name, example !== undefined && name === def.name ? { ...value, examples: [example] } : value),
  );
}

/** Every endpoint's and upload's operation with its body component. */
export function operationPieces(schema: Schema): OperationPiece[] {
  const pieces: OperationPiece[] = [];
  for (const e of schema.endpoints)
    pieces.push(
      endpointPieces.reuseOr(
        e,
        () => ({ reached: declarationTypes(schema, [[e]]) }),
        () => {
          const body = bodyComponent(schema, e);
          return {
            path: e.path,
            method: e.method.toLowerCase(),
            operation: member(e.method.toLowerCase(), endpointOperation(schema, e)),
            components: body === undefined ? [] : [member(body[0], body[1])],
          };
        },
      ),
    );
  for (const u of schema.uploads)
    pieces.push(
      uploadPieces.reuseOr(
        u,
        () => ({ reached: declarationTypes(schema, [[u]]) }),
        () => ({
          path: u.path,
          method: u.method.toLowerCase(),
          operation: member(u.method.toLowerCase(), uploadOperation(schema, u)),
          components: [],
        }),
      ),
    );
  return pieces;
}
