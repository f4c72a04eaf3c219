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
      const list = byScope.get(claim.scope);
      if (list === undefined) byScope.set(claim.scope, [claim]);
      else list.push(claim);
    }
    for (const [scope, claims] of byScope) {
      const first = new Map<string, NameClaim>();
      const reserved = reservedLookup(rule, scope);
      for (const claim of claims) {
        const taken = reserved(claim.name);
        if (taken) {
          once(
            `${problemKey(claim)}:reserved`,
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
            `${problemKey(claim)}:clash:${earlier.source}`,
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

/** Built only for a problem: most claims are fine, and this runs on every check. */
function problemKey(claim: NameClaim): string {
  return `${claim.span.file}:${claim.span.start}:${claim.source}`;
}

/** The first of a scope's reserved lists that takes a name, if any. */
type ReservedLookup = (name: string) => ReservedNames | undefined;

/** Lookups by rules object and scope: the rules are module constants, so each is made once. */
const lookups = new WeakMap<NamingRules, Map<string, ReservedLookup>>();

/**
 * The first list (in order) that holds the name or one of its prefixes, as
 * `reserved.find(...)` would find it, but with one map lookup per name: the lists hold hundreds
 * of names and there are thousands of claims.
 */
function reservedLookup(rule: NamingRules, scope: string): ReservedLookup {
  let byScope = lookups.get(rule);
  if (byScope === undefined) lookups.set(rule, (byScope = new Map()));
  let lookup = byScope.get(scope);
  if (lookup !== undefined) return lookup;
  const reserved = rule.reserved[scope] ?? [];
  const firstByName = new Map<string, number>();
  reserved.forEach((r, i) => {
    for (const name of r.names) if (!firstByName.has(name)) firstByName.set(name, i);
  });
  const prefixed = reserved.flatMap((r, i) => (r.prefixes ?? []).map((prefix) => ({ prefix, index: i })));
  lookup = (name) => {
    let index = firstByName.get(name) ?? reserved.length;
    for (const p of prefixed) if (p.index < index && name.startsWith(p.prefix)) index = p.index;
    return reserved[index];
  };
  byScope.set(scope, lookup);
  return lookup;
}
