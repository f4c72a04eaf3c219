/**
 * The OpenAPI document in pieces a watch build keeps (see src/emit/fragment-cache.ts): each
 * type's components (with its wire example) and each endpoint's or upload's operation (with its
 * body component), kept by the declaration and the types it reaches, and their JSON text at the
 * depth where `JSON.stringify(doc, null, 2)` prints them, so a rebuild joins kept texts instead
 * of printing the whole document again.
 */
import { declarationTypes, FragmentCache, reachedTypesOnce, typesByName } from "../../src/emit/fragment-cache.js";
import { flatText } from "../../src/emit/large-text.js";
import { exampleOfType } from "../../src/schema/examples.js";
import type { EndpointDef, Schema, TypeDef, UploadDef } from "../../src/schema/types.js";
import { typeComponents, type JsonSchema } from "./json-schema.js";
import { bodyComponent, endpointOperation, uploadOperation } from "./operations.js";

/**
 * A member of an object of the document: its key, its JSON text (`"key": value`) at
 * `MEMBER_INDENT` and, when asked for (`withValues`), its value. The JSON file needs only the
 * text: keeping every value beside it held the whole document as objects until the end (at
 * 5,000 records most of the build's peak memory).
 */
export interface Member {
  readonly name: string;
  readonly value: JsonSchema | undefined;
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
  return flatText(JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`));
}

export function member(name: string, value: JsonSchema, withValue: boolean): Member {
  const text = `${MEMBER_INDENT}${JSON.stringify(name)}: ${nestedJson(value, MEMBER_INDENT)}`;
  return { name, value: withValue ? value : undefined, text };
}

const typePieces = new FragmentCache<readonly Member[]>();
const endpointPieces = new FragmentCache<OperationPiece, EndpointDef>();
const uploadPieces = new FragmentCache<OperationPiece, UploadDef>();

/** Every type's components, the first with the type's wire example when `examples`; values kept when `withValues`. */
export function typeMembers(schema: Schema, examples: boolean, withValues: boolean): Member[] {
  const reached = reachedTypesOnce(typesByName(schema));
  return schema.types.flatMap((def) =>
    typePieces.reuseOr(
      def,
      () => ({ reached: reached(def), context: `${examples},${withValues}` }),
      () => typeComponentMembers(schema, def, examples, withValues),
    ),
  );
}

function typeComponentMembers(schema: Schema, def: TypeDef, examples: boolean, withValues: boolean): Member[] {
  const example = examples ? exampleOfType(schema, { kind: "ref", name: def.name }) : undefined;
  return typeComponents(schema, def).map(([name, value]) =>
    member(name, example !== undefined && name === def.name ? { ...value, examples: [example] } : value, withValues),
  );
}

/** Every endpoint's and upload's operation with its body component; values kept when `withValues`. */
export function operationPieces(schema: Schema, withValues: boolean): OperationPiece[] {
  const pieces: OperationPiece[] = [];
  for (const e of schema.endpoints)
    pieces.push(
      endpointPieces.reuseOr(
        e,
        () => ({ reached: declarationTypes(schema, [[e]]), context: String(withValues) }),
        () => {
          const body = bodyComponent(schema, e);
          return {
            path: e.path,
            method: e.method.toLowerCase(),
            operation: member(e.method.toLowerCase(), endpointOperation(schema, e), withValues),
            components: body === undefined ? [] : [member(body[0], body[1], withValues)],
          };
        },
      ),
    );
  for (const u of schema.uploads)
    pieces.push(
      uploadPieces.reuseOr(
        u,
        () => ({ reached: declarationTypes(schema, [[u]]), context: String(withValues) }),
        () => ({
          path: u.path,
          method: u.method.toLowerCase(),
          operation: member(u.method.toLowerCase(), uploadOperation(schema, u), withValues),
          components: [],
        }),
      ),
    );
  return pieces;
}
