/** `types.ts`: one TypeScript type per schema type, plus the branded scalar types. */
import { TOP_LEVEL_BREAK } from "../../src/emit/format-typescript.js";
import type { FieldDef, RecordDef, TypeDef } from "../../src/schema/types.js";
import { fieldTs, propKey, tsDoc, tsType, type TypeTable } from "./model.js";

const PRELUDE = `
/** A UUID in canonical lower-case \`8-4-4-4-12\` form (checked by the decoders). */
export type Uuid = string & { readonly __hamlet: "Uuid" };
/** A calendar date \`YYYY-MM-DD\` (checked by the decoders). */
export type IsoDate = string & { readonly __hamlet: "Date" };
/** Binary data as canonical base64 text (checked by the decoders). */
export type Bytes = string & { readonly __hamlet: "Bytes" };
/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
`;

function fieldLine(field: FieldDef, withDefaultsOptional: boolean): string {
  const { type, optional } = fieldTs(field);
  const opt = optional || (withDefaultsOptional && field.default !== undefined);
  const extra = field.default !== undefined ? [`Default: \`${JSON.stringify(field.default)}\`.`] : [];
  return `${tsDoc(field.docs, field.deprecated, extra)}${propKey(field.name)}${opt ? "?" : ""}: ${type}${opt ? " | undefined" : ""};`;
}

function recordBody(fields: readonly FieldDef[], withDefaultsOptional: boolean): string {
  return fields.map((f) => fieldLine(f, withDefaultsOptional)).join("\n");
}

function typeDecl(table: TypeTable, def: TypeDef): string {
  const doc = tsDoc(def.docs, def.deprecated);
  switch (def.kind) {
    case "alias":
      return `${doc}export type ${def.name} = ${tsType(def.type)};`;
    case "record": {
      let out = `${doc}export interface ${def.name} {\n${recordBody(def.fields, false)}\n}`;
      if (table.hasDefaults(def.name)) {
        out += `\n\n/** \`${def.name}\` as accepted by encoders and the client: fields with a default may be left out. */\nexport interface ${def.name}Input {\n${recordBody(def.fields, true)}\n}`;
      }
      return out;
    }
    case "enum": {
      if (!table.tagged(def)) {
        const names = def.variants.map((v) => JSON.stringify(v.name));
        return `${doc}export type ${def.name} = ${names.join(" | ")};\n\n/** Every \`${def.name}\`, in declaration order. */\nexport const ${def.name}Values: readonly ${def.name}[] = [${names.join(", ")}];`;
      }
      const variants = def.variants.map((v) => {
        const vdoc = tsDoc(v.docs, v.deprecated, v.status !== undefined ? [`HTTP status ${v.status}.`] : []);
        const fields = v.fields.map((f) => fieldLine(f, false)).join(" ");
        return `${vdoc}| { tag: ${JSON.stringify(v.name)}; ${fields} }`;
      });
      return `${doc}export type ${def.name} =\n${variants.join("\n")};\n\n/** Every tag of \`${def.name}\`, in declaration order. */\nexport const ${def.name}Tags: readonly ${def.name}["tag"][] = [${def.variants.map((v) => JSON.stringify(v.name)).join(", ")}];`;
    }
  }
}

export function typesFile(table: TypeTable, header: string): string {
  const decls = table.schema.types.map((def) => typeDecl(table, def));
  return `${header}${PRELUDE}${TOP_LEVEL_BREAK}${decls.join(TOP_LEVEL_BREAK)}\n`;
}

/** The input type name for a record (its `Input` variant when it has defaults). */
export function inputName(table: TypeTable, name: string): string {
  return table.hasDefaults(name) ? `${name}Input` : name;
}

export type { RecordDef };
