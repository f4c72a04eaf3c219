/** Default values (`field: T = literal`): do they fit the type and its constraints? */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import { withSuggestion } from "../diagnostics/suggest.js";
import type { Constraints, JsonValue, TypeExpr } from "../schema/types.js";
import { typeToString, type CheckContext } from "./context.js";
import { violations } from "./constraint-check.js";
import { isValidLiteral } from "./literals.js";

/** Returns the wire value of the default, or `undefined` after reporting why it does not fit. */
export function checkDefault(
  ctx: CheckContext,
  value: ast.Value,
  type: TypeExpr,
  constraints: Constraints,
): JsonValue | undefined {
  const problems: string[] = [];
  const json = toJson(ctx, value, type, problems);
  if (problems.length > 0) {
    ctx.report(diagnostic("HAM0308", value.span, { type: typeToString(type), detail: problems[0]! }));
    return undefined;
  }
  // Undefined without problems: a more precise diagnostic was already reported.
  if (json === undefined) return undefined;
  const broken = [...violations(json, constraints), ...aliasViolations(ctx, type, json)];
  if (broken.length > 0) {
    ctx.report(diagnostic("HAM0309", value.span, { detail: broken[0]! }));
    return undefined;
  }
  return json;
}

function aliasViolations(ctx: CheckContext, type: TypeExpr, json: JsonValue): string[] {
  const result: string[] = [];
  let current = type.kind === "optional" ? type.inner : type;
  const seen = new Set<string>();
  while (current.kind === "ref" && !seen.has(current.name)) {
    seen.add(current.name);
    const alias = ctx.aliasDefs.get(current.name);
    if (!alias || alias.kind !== "alias") break;
    result.push(...violations(json, alias.constraints));
    current = alias.type;
  }
  return result;
}

function toJson(ctx: CheckContext, value: ast.Value, type: TypeExpr, problems: string[]): JsonValue | undefined {
  const fail = (detail: string): undefined => {
    problems.push(detail);
    return undefined;
  };
  switch (type.kind) {
    case "optional":
      return toJson(ctx, value, type.inner, problems);
    case "list": {
      if (value.kind !== "List") return fail("expected a list such as `[...]`");
      const items = value.items.map((item) => toJson(ctx, item, type.element, problems));
      return problems.length > 0 ? undefined : (items as JsonValue[]);
    }
    case "map":
      return fail("maps have no literal form");
    case "primitive":
      return primitiveJson(value, type.name, fail);
    case "ref": {
      const alias = ctx.aliasTargets.get(type.name);
      if (alias) return toJson(ctx, value, alias, problems);
      const def = ctx.types.get(type.name);
      if (!def || def.kind === "record") return fail("records have no literal form");
      if (def.kind === "alias") return toJson(ctx, value, def.type, problems);
      if (value.kind !== "Name") return fail(`expected one of ${def.variants.map((v) => `\`${v.name}\``).join(", ")}`);
      const variant = def.variants.find((v) => v.name === value.name);
      if (!variant) {
        ctx.report(
          diagnostic(
            "HAM0311",
            value.span,
            withSuggestion(
              { name: value.name },
              value.name,
              def.variants.map((v) => v.name),
            ),
          ),
        );
        return undefined;
      }
      if (variant.hasPayload) return fail(`the variant \`${variant.name}\` carries fields and has no literal form`);
      return def.plain ? variant.name : { tag: variant.name };
    }
  }
}

function primitiveJson(value: ast.Value, name: string, fail: (detail: string) => undefined): JsonValue | undefined {
  switch (name) {
    case "String":
      return value.kind === "String" ? value.value : fail("expected a string");
    case "Int":
      return value.kind === "Integer" ? value.value : fail("expected an integer");
    case "Float":
      return value.kind === "Integer" || value.kind === "Float" ? value.value : fail("expected a number");
    case "Bool":
      return value.kind === "Boolean" ? value.value : fail("expected `true` or `false`");
    case "Json":
      return literalJson(value) ?? fail("expected a JSON literal");
    default:
      if (value.kind !== "String") return fail(`expected a string holding a ${name}`);
      return isValidLiteral(name, value.value) ? value.value : fail(`\`${value.value}\` is not a valid ${name}`);
  }
}

function literalJson(value: ast.Value): JsonValue | undefined {
  switch (value.kind) {
    case "String":
      return value.value;
    case "Integer":
    case "Float":
      return value.value;
    case "Boolean":
      return value.value;
    case "List": {
      const items = value.items.map(literalJson);
      return items.every((i) => i !== undefined) ? (items as JsonValue[]) : undefined;
    }
    default:
      return undefined;
  }
}
