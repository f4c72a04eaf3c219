/**
 * An extra schema for the Elm emitter tests, with what the corpus lacks: Elm keywords as field
 * names, constructor clashes (variant vs variant, variant vs record), recursion through an alias
 * and through a map, defaults of every literal kind, text forms of every path/query type, and two
 * websockets (port names per declaration, a variant clashing with another enum's, fieldless
 * variants, a one-variant enum whose name clashes with a generated function).
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

/// A lobby: its variants clash with Status, so they are prefixed.
websocket Lobby: "/ws/lobby" {
  Ping
  Joined { who: String, node: Node? }
  Active { count: Int @min(0) }
}

websocket Solo: "/ws/solo" {
  SoloProblem
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

/**
 * Text the Elm printer must write exactly as elm-format would: Markdown-looking doc comments
 * (escapes, code spans, links, bare URLs, `{-`/`-}`), string escapes (quotes, backslashes,
 * tabs, carriage returns, controls, zero-width and non-breaking spaces, astral characters),
 * negative and tiny/huge numbers, nested containers, empty list defaults.
 */
export const TEXT_SCHEMA = String.raw`package text_cases

/// Markdown in docs: *stars*, _underscores_, snake_case, a ${"`"}code span${"`"}, ${"``"}code with ${"`"} tick${"``"},
/// a backslash \ and an escaped \_ underscore, \(parens\), a link [docs](https://example.com/a_b),
/// a bare URL https://example.com/x_y. and <https://example.org>, an <b>html</b> tag,
///    extra   spaces,   100% & more; stray ${"`"} tick.
///
/// Second paragraph with {- and -} and # not a header.
record Texts {
  /// Field doc with *emphasis* and under_score.
  quote: String = "say \"hi\" \\ back\tslash"
  unicode: String = "héllo ✓ 日本 \ud83d\ude00 zero\u200bwidth no\u00a0break"
  control: String = "line\nbreak\r\u0007bell \u007f \u0085"
  negative: Int @range(-10, -1) = -5
  negative_float: Float @range(-2.5, 0.5) = -0.25
  tiny: Float = 0.000001
  huge: Float = 1e21
  nested: List<Map<String, List<Int?>>> = []
  json_list: Json = [1, 2.5, "\u00e9", true]
  old: String? @deprecated("use *quote*, not old_text")
}

/// An enum whose variants have docs.
enum Event {
  /// Created, with a _reason_.
  Created {
    id: Uuid
    /// The reason_code.
    reason: String?
  },
  Removed
}

/// A list of texts.
@deprecated("gone_soon")
alias Legacy = List<Texts>

endpoint Echo: POST "/api/echo/{id}" {
  request { id: Int, body: Texts }
  response Texts
}
`;

/** A schema that declares nothing: the Types module still has to be valid Elm. */
export const EMPTY_SCHEMA = "package empty\n";

const written_: Record<string, string> = {};

function schemaFile(name: string, text: string): string {
  if (!written_[name]) {
    written_[name] = join(mkdtempSync(join(tmpdir(), `hamlet-elm-${name}-`)), `${name}.hamlet`);
    writeFileSync(written_[name], text);
  }
  return written_[name];
}

export const textSchemaFile = (): string => schemaFile("text", TEXT_SCHEMA);
export const emptySchemaFile = (): string => schemaFile("empty", EMPTY_SCHEMA);
