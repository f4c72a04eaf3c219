/** Checks a JSON value against constraints; used for defaults, so a default can never be invalid. */
import type { Constraints, JsonValue } from "../schema/types.js";

/** `1 character`, `2 characters`: validators word counts this way in every language. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** Messages for every violated constraint, worded as the validators word them. */
export function violations(value: JsonValue, c: Constraints): string[] {
  const found: string[] = [];
  if (typeof value === "string") {
    const length = [...value].length;
    if (c.minLength !== undefined && length < c.minLength)
      found.push(`expected at least ${plural(c.minLength, "character")}`);
    if (c.maxLength !== undefined && length > c.maxLength)
      found.push(`expected at most ${plural(c.maxLength, "character")}`);
    if (c.pattern !== undefined && !new RegExp(c.pattern).test(value))
      found.push(`expected to match pattern ${c.pattern}`);
  }
  if (typeof value === "number") {
    if (c.min !== undefined && value < c.min) found.push(`expected at least ${c.min}`);
    if (c.max !== undefined && value > c.max) found.push(`expected at most ${c.max}`);
  }
  if (Array.isArray(value)) {
    if (c.minItems !== undefined && value.length < c.minItems)
      found.push(`expected at least ${plural(c.minItems, "item")}`);
    if (c.maxItems !== undefined && value.length > c.maxItems)
      found.push(`expected at most ${plural(c.maxItems, "item")}`);
  }
  return found;
}
