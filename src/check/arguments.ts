/** Reads annotation arguments against a small signature, reporting HAM0304 on mismatch. */
import type * as ast from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import type { CheckContext } from "./context.js";

export type ArgKind = "integer" | "number" | "string" | "name" | "duration" | "call" | "value";

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  readonly optional?: boolean;
}

const kindText: Record<ArgKind, string> = {
  integer: "an integer",
  number: "a number",
  string: "a string",
  name: "a name",
  duration: "a duration such as 500ms",
  call: "a call such as exponential(1s, 10m)",
  value: "a value",
};

function fits(value: ast.Value, kind: ArgKind): boolean {
  switch (kind) {
    case "integer":
      return value.kind === "Integer";
    case "number":
      return value.kind === "Integer" || value.kind === "Float";
    case "string":
      return value.kind === "String";
    case "name":
      return value.kind === "Name";
    case "duration":
      return value.kind === "Duration";
    case "call":
      return value.kind === "Call";
    case "value":
      return true;
  }
}

/**
 * Matches positional and named arguments to `specs`. Returns the values by name, or
 * `undefined` after reporting when they do not fit.
 */
export function readArguments(
  ctx: CheckContext,
  owner: string,
  args: readonly ast.Argument[] | undefined,
  specs: readonly ArgSpec[],
  span: ast.Span,
): Map<string, ast.Value> | undefined {
  const result = new Map<string, ast.Value>();
  const given = args ?? [];
  const fail = (detail: string, where: ast.Span = span): undefined => {
    ctx.report(diagnostic("HAM0304", where, { name: owner, detail }));
    return undefined;
  };
  let position = 0;
  for (const arg of given) {
    let spec: ArgSpec | undefined;
    if (arg.name) {
      spec = specs.find((s) => s.name === arg.name!.name);
      if (!spec)
        return fail(`no argument is called \`${arg.name.name}\`; expected ${describeSignature(specs)}`, arg.span);
    } else {
      if (result.size > position) return fail("positional arguments must come before named ones", arg.span);
      spec = specs[position++];
      if (!spec) return fail(`expected ${describeSignature(specs)}, but ${given.length} were given`, arg.span);
    }
    if (result.has(spec.name)) return fail(`\`${spec.name}\` is given twice`, arg.span);
    if (!fits(arg.value, spec.kind)) return fail(`\`${spec.name}\` must be ${kindText[spec.kind]}`, arg.value.span);
    result.set(spec.name, arg.value);
  }
  const missing = specs.filter((s) => !s.optional && !result.has(s.name));
  if (missing.length > 0)
    return fail(`expected ${describeSignature(specs)}; missing ${missing.map((m) => `\`${m.name}\``).join(", ")}`);
  return result;
}

function describeSignature(specs: readonly ArgSpec[]): string {
  if (specs.length === 0) return "no arguments";
  return `(${specs.map((s) => (s.optional ? `${s.name}?` : s.name)).join(", ")})`;
}

export function numberOf(value: ast.Value | undefined): number | undefined {
  return value && (value.kind === "Integer" || value.kind === "Float") ? value.value : undefined;
}
