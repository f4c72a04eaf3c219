/**
 * The naming rules of every built-in emitter that prints identifiers (see src/schema/naming.ts).
 * `hamletc check` and `build` run those of the enabled emitters (the language server too); other
 * callers of `compile` get them all, so a schema that checks builds with any emitters.
 */
import type { NamingRules } from "../src/schema/naming.js";
import { elmNaming } from "./elm/naming.js";
import { repositoryNaming } from "./repository/naming.js";
import { sqlNaming } from "./sql/naming.js";
import { typescriptNaming } from "./typescript/naming.js";

export const builtinNaming: readonly NamingRules[] = [elmNaming, typescriptNaming, sqlNaming, repositoryNaming];

/** The rules of the emitters a project runs: a name only Elm would choke on is fine without Elm. */
export function namingOf(enabled: (emitter: string) => boolean): NamingRules[] {
  return builtinNaming.filter((rules) => enabled(rules.target));
}
