/** State shared by the parts of one comparison: both versions, how their names match, the changes. */
import type { Schema } from "../schema/types.js";
import { flowOf, typeFlows, type Flow } from "./flows.js";
import { makeChange, type ChangeInput } from "./kinds.js";
import type { Change } from "./model.js";

export interface DiffContext {
  readonly old: Schema;
  readonly new: Schema;
  /** Old type name → new type name, for types present in both versions. */
  readonly typeMap: Map<string, string>;
  /** Old declaration name → new name, for endpoints, uploads, models and others matched by a rename. */
  readonly declarationMap: Map<string, string>;
  readonly changes: Change[];
  add(input: ChangeInput): void;
  /** Directions a type (by its old and new names) travels in either version. */
  flow(oldName: string, newName: string): Flow;
}

export function createContext(oldSchema: Schema, newSchema: Schema): DiffContext {
  const oldFlows = typeFlows(oldSchema);
  const newFlows = typeFlows(newSchema);
  const changes: Change[] = [];
  return {
    old: oldSchema,
    new: newSchema,
    typeMap: new Map(),
    declarationMap: new Map(),
    changes,
    add: (input) => changes.push(makeChange(input)),
    flow: (oldName, newName) => flowOf(oldFlows, newFlows, oldName, newName),
  };
}

/** The new name of an old declaration: renamed, or the same name. */
export function renamed(ctx: DiffContext, oldName: string): string {
  return ctx.declarationMap.get(oldName) ?? oldName;
}
