/**
 * What `hamletc diff` reports: changes between two checked schemas, each with a verdict for every
 * audience that reads the schema (deployed clients over the wire, code written against the
 * generated modules, and the database).
 */
import type { Span } from "../ast/nodes.js";
import type { Document } from "../ast/nodes.js";
import type { Schema } from "../schema/types.js";

/** `breaks`: fails for that audience; `risky`: may fail depending on use; `safe`: keeps working. */
export type Verdict = "safe" | "risky" | "breaks";

export interface Verdicts {
  /** Old clients decoding what the new server sends (responses, pushed messages). */
  readonly responses: Verdict;
  /** The new server decoding what old clients send (requests, stored events, checkpoints). */
  readonly requests: Verdict;
  /** Code written against the old generated Elm and TypeScript modules. */
  readonly source: Verdict;
  /** Existing rows under the migration from the old models to the new. */
  readonly database: Verdict;
}

export type Audience = "wire" | "source" | "database";
export const audiences: readonly Audience[] = ["wire", "source", "database"];

export interface Change {
  /** Stable id of the kind of change, listed in spec/diff.md. */
  readonly kind: string;
  /** Declaration path: `Post.body`, `GetFeed`, `PostRow.author`. */
  readonly path: string;
  /** One sentence for people. */
  readonly message: string;
  readonly old: Span | undefined;
  readonly new: Span | undefined;
  readonly verdicts: Verdicts;
}

/** One version of a schema, as loaded for comparison. */
export interface Version {
  /** How the version was named on the command line (a path, or `git:REF`). */
  readonly label: string;
  readonly schema: Schema;
  readonly documents: readonly Document[];
  /** Text of every file, for source lines. */
  readonly sources: ReadonlyMap<string, string>;
  /** Folder that file names are shown relative to. */
  readonly root: string;
}

export const allSafe: Verdicts = { responses: "safe", requests: "safe", source: "safe", database: "safe" };

/** Verdict of one audience: wire breaks when either direction does. */
export function audienceVerdict(v: Verdicts, audience: Audience): Verdict {
  if (audience === "source") return v.source;
  if (audience === "database") return v.database;
  return worst(v.responses, v.requests);
}

export function worst(...verdicts: Verdict[]): Verdict {
  return verdicts.includes("breaks") ? "breaks" : verdicts.includes("risky") ? "risky" : "safe";
}
