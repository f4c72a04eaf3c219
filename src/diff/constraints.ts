/** Whether a set of constraints accepts fewer values (tightened) or more (loosened) than before. */
import type { Constraints } from "../schema/types.js";

export interface ConstraintDelta {
  readonly tightened: string[];
  readonly loosened: string[];
  /** Patterns or formats replaced by others: neither side contains the other in general. */
  readonly replaced: string[];
}

const lowerBounds = ["minLength", "min", "minItems"] as const;
const upperBounds = ["maxLength", "max", "maxItems"] as const;

export function compareConstraints(a: Constraints, b: Constraints): ConstraintDelta {
  const delta: ConstraintDelta = { tightened: [], loosened: [], replaced: [] };
  const bound = (key: string, before: number | undefined, after: number | undefined, lower: boolean): void => {
    if (before === after) return;
    const text = `${key} ${before ?? "none"} → ${after ?? "none"}`;
    if (before === undefined) delta.tightened.push(text);
    else if (after === undefined) delta.loosened.push(text);
    else (lower === after > before ? delta.tightened : delta.loosened).push(text);
  };
  for (const key of lowerBounds) bound(key, a[key], b[key], true);
  for (const key of upperBounds) bound(key, a[key], b[key], false);
  for (const key of ["pattern", "format"] as const) {
    const before = a[key];
    const after = b[key];
    if (before === after) continue;
    const text = `${key} ${before === undefined ? "none" : JSON.stringify(before)} → ${after === undefined ? "none" : JSON.stringify(after)}`;
    if (before === undefined) delta.tightened.push(text);
    else if (after === undefined) delta.loosened.push(text);
    else delta.replaced.push(text);
  }
  return delta;
}
