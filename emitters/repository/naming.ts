/**
 * The names the repository emitter prints into `repositories.ts` (one interface family and a
 * class per model), and the names its prelude declares, as data for the checker.
 */
import { TYPESCRIPT_GLOBALS, TYPESCRIPT_RESERVED } from "../../src/emit/typescript-names.js";
import { nameSpan, type NameClaim, type NamingRules } from "../../src/schema/naming.js";
import type { Schema } from "../../src/schema/types.js";
import { REPOSITORY_IMPORTS } from "./index.js";

const SUFFIXES = ["", "Insert", "Key", "Patch", "Filter", "Order", "Repository"];

export const repositoryNaming: NamingRules = {
  target: "repository",
  reserved: {
    module: [
      { names: TYPESCRIPT_RESERVED, why: "is a TypeScript keyword" },
      { names: TYPESCRIPT_GLOBALS, why: "is a global the generated TypeScript uses" },
      {
        names: new Set([...REPOSITORY_IMPORTS, "repositories"]),
        why: "the generated repositories file declares or imports",
      },
    ],
  },
  claims(schema: Schema, spans) {
    const claims: NameClaim[] = [];
    for (const m of schema.models) {
      const span = nameSpan(spans, m.name, m.span);
      const what = `a repository type of \`${m.name}\``;
      for (const suffix of SUFFIXES)
        claims.push({ scope: "module", name: `${m.name}${suffix}`, source: m.name, what, span });
      const key = m.name.charAt(0).toLowerCase() + m.name.slice(1);
      claims.push({ scope: "module", name: `${key}Columns`, source: m.name, what, span });
      claims.push({ scope: "members", name: key, source: m.name, what: `the repository of \`${m.name}\``, span });
    }
    return claims;
  },
};
