/** Which changes fail the gate: those breaking a selected audience and not listed as accepted. */
import { audienceVerdict, type Audience, type Change } from "./model.js";

export interface AcceptedChange {
  readonly kind: string;
  /** Declaration path as reported (`Post.body`). */
  readonly path: string;
}

export interface DiffPolicy {
  readonly failOn: readonly Audience[];
  readonly accepted: readonly AcceptedChange[];
}

export const defaultFailOn: readonly Audience[] = ["wire", "database"];

export function isAccepted(change: Change, policy: DiffPolicy): boolean {
  return policy.accepted.some((a) => a.kind === change.kind && a.path === change.path);
}

/** The changes that make `hamletc diff` exit 1. */
export function failingChanges(changes: readonly Change[], policy: DiffPolicy): Change[] {
  return changes.filter(
    (c) => !isAccepted(c, policy) && policy.failOn.some((a) => audienceVerdict(c.verdicts, a) === "breaks"),
  );
}
