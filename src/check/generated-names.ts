/**
 * Checks the names emitters will generate (declared as data, see src/schema/naming.ts): a name
 * already taken in its scope is HAM0214, two schema names that end up as one generated name are
 * HAM0215. Each problem is reported once, on the schema name that causes it.
 */
import { diagnostic } from "../diagnostics/messages.js";
import type { Diagnostic } from "../diagnostics/types.js";
import type { NameClaim, NameSpans, NamingRules, ReservedNames } from "../schema/naming.js";
import type { Schema } from "../schema/types.js";

export function checkGeneratedNames(schema: Schema, rules: readonly NamingRules[], spans: NameSpans): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  const once = (key: string, d: Diagnostic): void => {
    if (reported.has(key)) return;
    reported.add(key);
    diagnostics.push(d);
  };
  for (const rule of rules) {
    const byScope = new Map<string, NameClaim[]>();
    for (const claim of rule.claims(schema, spans)) {
      const list = byScope.get(claim.scope) ?? [];
      list.push(claim);
      byScope.set(claim.scope, list);
    }
    for (const [scope, claims] of byScope) {
      const first = new Map<string, NameClaim>();
      const reserved = rule.reserved[scope] ?? [];
      for (const claim of claims) {
        const taken = reservedBy(reserved, claim.name);
        // Built only for a problem: most claims are fine, and this runs on every check.
        const key = (): string => `${claim.span.file}:${claim.span.start}:${claim.source}`;
        if (taken) {
          once(
            `${key()}:reserved`,
            diagnostic("HAM0214", claim.span, {
              source: claim.source,
              name: claim.name,
              what: claim.what,
              why: taken.why,
            }),
          );
          continue;
        }
        const earlier = first.get(claim.name);
        if (!earlier) first.set(claim.name, claim);
        else if (earlier.source !== claim.source) {
          once(
            `${key()}:clash:${earlier.source}`,
            diagnostic("HAM0215", claim.span, {
              source: claim.source,
              other: earlier.source,
              name: claim.name,
              what: claim.what,
              otherWhat: earlier.what,
            }),
          );
        }
      }
    }
  }
  return diagnostics;
}

function reservedBy(reserved: readonly ReservedNames[], name: string): ReservedNames | undefined {
  return reserved.find((r) => r.names.has(name) || (r.prefixes ?? []).some((p) => name.startsWith(p)));
}
