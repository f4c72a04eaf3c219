/**
 * The naming rules of every built-in emitter that prints identifiers (see src/schema/naming.ts).
 * `hamletc check` runs them all, so a schema that checks builds whatever emitters are enabled.
 */
import type { NamingRules } from "../src/schema/naming.js";
import { elmNaming } from "./elm/naming.js";
import { repositoryNaming } from "./repository/naming.js";
import { sqlNaming } from "./sql/naming.js";
import { typescriptNaming } from "./typescript/naming.js";

export const builtinNaming: readonly NamingRules[] = [elmNaming, typescriptNaming, sqlNaming, repositoryNaming];
