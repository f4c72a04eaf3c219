/** Strict ajv (JSON Schema 2020-12, the OpenAPI 3.1 dialect) loaded with an OpenAPI document's components. */
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// Both packages are CommonJS with a default export.
const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const DOC_ID = "https://hamlet.invalid/openapi.json";

/**
 * An ajv where `getSchema("#/components/schemas/X")` validates against component X. Strict mode
 * makes unknown keywords and malformed schemas fail. `discriminator` is an OpenAPI annotation
 * here: every variant's `tag` is a `const`, so `oneOf` alone already picks exactly one.
 */
export function componentAjv(doc: { components: { schemas: Record<string, unknown> } }) {
  // Patterns without the `u` flag, as the wire format says (ECMAScript, no flags).
  const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  ajv.addKeyword({ keyword: "discriminator", schemaType: "object" });
  ajv.addKeyword({ keyword: "components" });
  ajv.addSchema({ $id: DOC_ID, components: { schemas: doc.components.schemas } });
  const getSchema = ajv.getSchema.bind(ajv);
  return Object.assign(ajv, {
    getSchema: (ref: string) => getSchema(ref.startsWith("#") ? `${DOC_ID}${ref}` : ref),
  });
}
