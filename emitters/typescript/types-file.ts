/** `types.ts`: one TypeScript type per schema type, plus the branded scalar types. */
import { hardline, ifBreak, join, type Doc } from "../../src/emit/doc.js";
import { FragmentCache, reachedTypes } from "../../src/emit/fragment-cache.js";
import { TsFile } from "../../src/emit/ts-file.js";
import {
  declare,
  arr,
  str,
  group,
  indent,
  line,
  objectType,
  typeAlias,
  typeAliasOf,
  typeAnnotation,
} from "../../src/emit/ts-syntax.js";
import type { FieldDef, RecordDef, TypeDef } from "../../src/schema/types.js";
import { fieldTs, propKey, tsDoc, tsType, type TypeTable } from "./model.js";

const PRELUDE = `/** A UUID in canonical lower-case \`8-4-4-4-12\` form (checked by the decoders). */
export type Uuid = string & { readonly __hamlet: "Uuid" };
/** A calendar date \`YYYY-MM-DD\` (checked by the decoders). */
export type IsoDate = string & { readonly __hamlet: "Date" };
/** Binary data as canonical base64 text (checked by the decoders). */
export type Bytes = string & { readonly __hamlet: "Bytes" };
/** Any JSON value. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };`;

/** A TSDoc comment as lines ending in a line break, or nothing. */
export function docLines(docs: readonly string[], deprecated?: string, extra: readonly string[] = []): Doc[] {
  const text = tsDoc(docs, deprecated, extra);
  if (text === "") return [];
  return [join(hardline, text.slice(0, -1).split("\n")), hardline];
}

function fieldMember(field: FieldDef, withDefaultsOptional: boolean): Doc {
  const { type, optional } = fieldTs(field);
  const opt = optional || (withDefaultsOptional && field.default !== undefined);
  const extra = field.default !== undefined ? [`Default: \`${JSON.stringify(field.default)}\`.`] : [];
  return [
    ...docLines(field.docs, field.deprecated, extra),
    group([propKey(field.name), opt ? "?: " : ": ", typeAnnotation(opt ? `${type} | undefined` : type)]),
  ];
}

function interfaceDecl(name: string, fields: readonly FieldDef[], withDefaultsOptional: boolean): Doc {
  if (fields.length === 0) return `export interface ${name} {}`;
  const members = fields.map((f) => [fieldMember(f, withDefaultsOptional), ";"]);
  return [`export interface ${name} {`, indent([hardline, ...join(hardline, members)]), hardline, "}"];
}

function typeDecl(table: TypeTable, def: TypeDef): Doc[] {
  const doc = docLines(def.docs, def.deprecated);
  switch (def.kind) {
    case "alias":
      return [[...doc, typeAliasOf(`export type ${def.name}`, tsType(def.type))]];
    case "record": {
      const out: Doc[] = [[...doc, interfaceDecl(def.name, def.fields, false)]];
      if (table.hasDefaults(def.name))
        out.push([
          `/** \`${def.name}\` as accepted by encoders and the client: fields with a default may be left out. */`,
          hardline,
          interfaceDecl(`${def.name}Input`, def.fields, true),
        ]);
      return out;
    }
    case "enum": {
      if (!table.tagged(def)) {
        const names = def.variants.map((v) => JSON.stringify(v.name));
        return [
          [...doc, typeAliasOf(`export type ${def.name}`, names.join(" | "))],
          [
            `/** Every \`${def.name}\`, in declaration order. */`,
            hardline,
            "export ",
            declare("const", `${def.name}Values`, `readonly ${def.name}[]`, arr(def.variants.map((v) => str(v.name)))),
          ],
        ];
      }
      const members = def.variants.map((v) => {
        const comment = docLines(v.docs, v.deprecated, v.status !== undefined ? [`HTTP status ${v.status}.`] : []);
        const fields = v.fields.map((f) => fieldMember(f, false));
        return { comment, type: objectType([`tag: ${JSON.stringify(v.name)}`, ...fields]) };
      });
      return [
        [...doc, taggedUnion(`export type ${def.name}`, members)],
        [
          `/** Every tag of \`${def.name}\`, in declaration order. */`,
          hardline,
          "export ",
          declare(
            "const",
            `${def.name}Tags`,
            `readonly ${def.name}["tag"][]`,
            arr(def.variants.map((v) => str(v.name))),
          ),
        ],
      ];
    }
  }
}

/** A union of object types, each with its own doc comment on the lines before its `|`. */
function taggedUnion(head: string, members: readonly { comment: Doc[]; type: Doc }[]): Doc {
  const [first, ...rest] = members;
  if (rest.length === 0 && first!.comment.length === 0) return typeAlias(head, [first!.type]);
  if (rest.length === 0) return [group([head, " =", group(indent([line, ...first!.comment, first!.type]))]), ";"];
  const union = group([
    ifBreak("| "),
    indent(first!.type),
    ...rest.flatMap((m) => [line, ...m.comment, "| ", indent(m.type)]),
  ]);
  return [group([head, " =", group(indent([line, ...first!.comment, union]))]), ";"];
}

/** Statements printed by earlier builds of a watch session (incremental emit, src/emit/fragment-cache.ts). */
const declarationFragments = new FragmentCache<string[]>();

export function typesFile(table: TypeTable, header: string): string {
  const file = new TsFile(`${header}\n`).keptAs("types.ts");
  file.verbatim(PRELUDE);
  for (const def of table.schema.types) {
    const texts = declarationFragments.reuseOr(
      def,
      () => ({ reached: reachedTypes(def, table.byName) }),
      () => typeDecl(table, def).map((statement) => file.render(statement)),
    );
    // No import or prelude here depends on the names the statements use.
    for (const text of texts) file.appendRendered(text);
  }
  return file.toString();
}

/** The input type name for a record (its `Input` variant when it has defaults). */
export function inputName(table: TypeTable, name: string): string {
  return table.hasDefaults(name) ? `${name}Input` : name;
}

export type { RecordDef };
