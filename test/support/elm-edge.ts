/**
 * An extra schema for the Elm emitter tests, with what the corpus lacks: Elm keywords as field
 * names, constructor clashes (variant vs variant, variant vs record), recursion through an alias
 * and through a map, defaults of every literal kind, text forms of every path/query type.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const EDGE_SCHEMA = `package edge

/// Doc with -} inside and {- too.
/// Second line.
record Thing {
  /// The kind.
  type: String
  if: Int?
  reply_to: String = "x\\"y\\n"
  Upper_case: Bool = false
  port: Float @range(-1.5, 2.5) = -0.5
  opt_list: List<Int?>
  maybe_map: Map<String, Int?> @maxItems(2)
  when: Timestamp = "2024-01-01T00:00:00Z"
  json_default: Json = [1, "a", true]
  day: Date = "0001-01-01"
  status: Status = Thing
}

enum Status { Active, Thing }
enum Other { Active, Idle }

alias Forest = List<Tree>
enum Tree { Leaf { value: Int @min(0) }, Branch { children: Forest @maxItems(3) } }

record Node { next: Node?, kids: Map<String, Node>, label: String @length(1, 5) }
alias Nodes = List<Node> @minItems(1)


endpoint Search: GET "/api/search/{kind}/{page}" {
  request { kind: Status, page: Int, q: String?, flags: List<Bool>, day: Date?, at: Timestamp?, ids: List<Uuid> }
  response List<Thing>
}

@deprecated("no")
endpoint Put: PUT "/api/things/{id}" {
  request { id: Uuid, thing: Thing, note: String? }
}

/// Named like an argument of the generated functions.
endpoint Config: GET "/config" {
  response { ok: Bool }
}

endpoint Numbers: POST "/numbers/{n}" {
  request { n: Float, note: String? }
  response Map<String, List<Int?>>
}

endpoint Remove: DELETE "/api/things/{id}" {
  request { id: Uuid }
  errors { NotFound, Locked { until: Timestamp } }
}
`;

let written: string | undefined;

/** Path of a temporary file holding EDGE_SCHEMA (written once per process). */
export function edgeSchemaFile(): string {
  if (!written) {
    written = join(mkdtempSync(join(tmpdir(), "hamlet-elm-edge-")), "edge.hamlet");
    writeFileSync(written, EDGE_SCHEMA);
  }
  return written;
}

/** A schema with no constraints and no endpoints: Validate.elm has nothing to check. */
export const BARE_SCHEMA = `package bare

record A { x: Int, b: B? }
enum B { One, Two }
`;

let bareWritten: string | undefined;

export function bareSchemaFile(): string {
  if (!bareWritten) {
    bareWritten = join(mkdtempSync(join(tmpdir(), "hamlet-elm-bare-")), "bare.hamlet");
    writeFileSync(bareWritten, BARE_SCHEMA);
  }
  return bareWritten;
}
