/**
 * Elm and TypeScript agree on the wire format. Every golden case goes into one Elm project with a
 * `Platform.worker` harness (test/support/elm-harness.ts) that decodes `{ type, json }` items with
 * the type's decoder, re-encodes them and runs their validator. From TypeScript we send fast-check
 * values of every type of the corpus (test/support/arbitrary-json.ts, fixed seed) and check that
 * the Elm encoders give back the normalized input with no violations, then send invalid values
 * and check they are rejected.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Schema, TypeDef, TypeExpr } from "../src/schema/types.js";
import { WireArbitraries, normalize } from "./support/arbitrary-json.js";
import { ElmHarness, type HarnessCase, type HarnessItem, type Reply } from "./support/elm-harness.js";
import { elmCases, elmReady, schemaOf } from "./support/elm-project.js";

const ready = elmReady("test/elm-roundtrip.test.ts");
const RUNS = 50;
const SEED = 20240229;

let cases: HarnessCase[] = [];
let harness: ElmHarness | undefined;

/** Sends items to the Elm harness and waits for its answers. */
async function ask(items: readonly HarnessItem[]): Promise<Reply[]> {
  if (!harness) throw new Error("the Elm harness did not start");
  return harness.ask(items);
}

beforeAll(async () => {
  if (!ready) return;
  cases = elmCases().map((c, i) => ({ name: c.name, prefix: `Case${i + 1}`, schema: schemaOf(c.entry) }));
  harness = await ElmHarness.start(cases);
}, 120_000);

afterAll(() => harness?.cleanup());

/** The primitive (or kind) a type is on the wire, through aliases. */
function wireKind(schema: Schema, t: TypeExpr): string {
  if (t.kind === "primitive") return t.name;
  if (t.kind !== "ref") return t.kind;
  const def = schema.types.find((d) => d.name === t.name)!;
  if (def.kind === "alias") return wireKind(schema, def.type);
  if (def.kind === "record") return "record";
  const tagged =
    !def.plain || (def.origin.kind === "part" && (def.origin.role === "errors" || def.origin.role === "messages"));
  return tagged ? "tagged" : "plain";
}

const WRONG: Record<string, string[]> = {
  String: ["42", "null", "[]"],
  Int: ['"1"', "1.5", "9007199254740992", "-9007199254740992", "true"],
  Float: ['"1.5"', "null", "{}"],
  Bool: ['"true"', "0", "null"],
  Uuid: ['"123e4567-e89b-12d3-a456-42661417400"', '"{123e4567-e89b-12d3-a456-426614174000}"', "7"],
  Timestamp: ['"2024-02-30T00:00:00Z"', '"2024-03-05T07:08:60Z"', '"2024-03-05 07:08:09Z"', '"2024-03-05T07:08:09"'],
  Date: ['"2024-02-30"', '"2024-2-3"', "20240203"],
  Bytes: ['"abc"', '"aGFtbGV0\\n"', '"aGFtbGV1="', "12"],
  Json: [],
  list: ["{}", '"x"'],
  map: ["[]", '{"__proto__":1}', '{"constructor":1}'],
  record: ["42", "[]", '"x"', "null"],
  plain: ['"NoSuchVariant"', "42"],
  tagged: ['{"tag":"NoSuchVariant"}', '{"name":"x"}', '"x"'],
};

function invalidValues(schema: Schema, def: TypeDef, sample: unknown): { json: string; expect?: string }[] {
  const out: { json: string; expect?: string }[] = [];
  const kind = wireKind(schema, { kind: "ref", name: def.name });
  for (const json of WRONG[kind] ?? []) out.push({ json });
  if (def.kind === "enum") {
    const allowed = def.variants.map((v) => v.name).join(", ");
    out.push(
      kind === "plain"
        ? { json: '"NoSuchVariant"', expect: `unknown value "NoSuchVariant"; expected one of: ${allowed}` }
        : { json: '{"tag":"NoSuchVariant"}', expect: `unknown tag "NoSuchVariant"; expected one of: ${allowed}` },
    );
  }
  if (def.kind === "record" && sample && typeof sample === "object") {
    const value = sample as Record<string, unknown>;
    for (const f of def.fields) {
      if (f.type.kind === "optional" || f.default !== undefined) continue;
      const { [f.name]: _dropped, ...rest } = value;
      out.push({ json: JSON.stringify(rest) });
      const fieldKind = wireKind(schema, f.type);
      for (const wrong of (WRONG[fieldKind] ?? []).slice(0, 2))
        out.push({ json: JSON.stringify({ ...value, [f.name]: "@@" }).replace('"@@"', wrong) });
    }
    const body = JSON.stringify(value);
    out.push({ json: body === "{}" ? '{"__proto__":1}' : `{"prototype":1,${body.slice(1)}` });
  }
  return out;
}

describe.skipIf(!ready)("Elm codecs agree with the wire format", () => {
  it("the harness runs", async () => {
    expect(await ask([])).toEqual([]);
  });

  it.each(elmCases().map((c) => c.name))("%s: every type round-trips and validates", async (name) => {
    const c = cases.find((x) => x.name === name)!;
    const arbitraries = new WireArbitraries(c.schema);
    const items: { type: string; json: string; input: unknown; def: TypeDef }[] = [];
    for (const def of c.schema.types) {
      for (const value of fc.sample(arbitraries.named(def.name), { numRuns: RUNS, seed: SEED })) {
        items.push({ type: `${name}:${def.name}`, json: JSON.stringify(value), input: value, def });
      }
    }
    const replies = await ask(items);
    expect(replies.length).toBe(items.length);
    items.forEach((item, i) => {
      const reply = replies[i]!;
      const context = `${item.type} ${item.json}`;
      expect(reply.error, context).toBeUndefined();
      const expected = normalize(c.schema, { kind: "ref", name: item.def.name }, JSON.parse(item.json));
      expect(reply.ok, context).toEqual(expected);
      expect(reply.violations, context).toEqual([]);
    });
  });

  it.each(elmCases().map((c) => c.name))("%s: invalid values are rejected", async (name) => {
    const c = cases.find((x) => x.name === name)!;
    if (c.schema.types.length === 0) return; // an empty or models-only schema has no codecs
    const arbitraries = new WireArbitraries(c.schema, { maxDepth: 1 });
    const items: { type: string; json: string; expect?: string }[] = [];
    for (const def of c.schema.types) {
      const [sample] = fc.sample(arbitraries.named(def.name), { numRuns: 1, seed: SEED });
      for (const bad of invalidValues(c.schema, def, sample)) items.push({ type: `${name}:${def.name}`, ...bad });
    }
    expect(items.length).toBeGreaterThan(0);
    const replies = await ask(items);
    items.forEach((item, i) => {
      const reply = replies[i]!;
      expect(reply.error, `${item.type} accepted ${item.json} as ${JSON.stringify(reply.ok)}`).toBeDefined();
      if (item.expect) expect(reply.error).toContain(item.expect);
    });
  });
});

const UUID = "123e4567-e89b-12d3-a456-426614174000";
const POST = {
  id: UUID,
  author: "ada_l",
  body: "hello",
  tags: [],
  likes: 0,
  visibility: "Public",
  created_at: "2024-03-05T07:08:09.123Z",
  reactions: {},
};

describe.skipIf(!ready)("Elm validators report the server's paths and messages", () => {
  const v = (path: string, message: string) => ({ path, message });
  const examples: { type: string; value: unknown; violations: { path: string; message: string }[] }[] = [
    {
      type: "example-horatio:Post",
      value: { ...POST, author: "AB", body: "", tags: Array.from({ length: 11 }, () => "t"), likes: -1 },
      violations: [
        v("$.author", "expected to match pattern ^[a-z0-9_]{3,20}$"),
        v("$.body", "expected at least 1 character"),
        v("$.tags", "expected at most 10 items"),
        v("$.likes", "expected at least 0"),
      ],
    },
    {
      type: "example-horatio:GetFeedResponse",
      value: { posts: [POST, POST, POST, { ...POST, body: "x".repeat(501) }] },
      violations: [v("$.posts[3].body", "expected at most 500 characters")],
    },
    {
      type: "example-horatio:FeedUpdate",
      value: { tag: "Posted", post: { ...POST, body: "😀".repeat(500) } },
      violations: [],
    },
    {
      type: "valid-all-types:Everything",
      value: {
        text: "t",
        anything: null,
        grid: [],
        names: [],
        scores: { a: 0.5, 'b"': 2 },
        homepage: "notaurl",
        contact: "x",
        count: 6,
        nested: { street: "s", number: 0 },
      },
      violations: [
        v("$.count", "expected at most 5"),
        v("$.names", "expected at least 1 item"),
        v('$.scores["b\\""]', "expected at most 1"),
        v("$.homepage", "expected a URL"),
        v("$.contact", "expected at least 3 characters"),
        v("$.contact", "expected an email address"),
        v("$.nested.number", "expected at least 1"),
      ],
    },
    {
      type: "edge-cases:Tree",
      value: {
        tag: "Branch",
        children: [
          { tag: "Leaf", value: -1 },
          { tag: "Leaf", value: 1 },
          { tag: "Leaf", value: 2 },
          { tag: "Leaf", value: 3 },
        ],
      },
      violations: [v("$.children", "expected at most 3 items"), v("$.children[0].value", "expected at least 0")],
    },
    {
      type: "edge-cases:Node",
      value: { label: "ok", kids: { k: { label: "", kids: {}, next: { label: "toolong", kids: {} } } } },
      violations: [
        v('$.kids["k"].next.label', "expected at most 5 characters"),
        v('$.kids["k"].label', "expected at least 1 character"),
      ],
    },
  ];

  it.each(examples)("$type", async ({ type, value, violations }) => {
    const [reply] = await ask([{ type, json: JSON.stringify(value) }]);
    expect(reply!.error).toBeUndefined();
    expect(reply!.violations).toEqual(violations);
  });
});

describe.skipIf(!ready)("Elm request URLs", () => {
  const examples: { endpoint: string; request: unknown; url: string }[] = [
    {
      endpoint: "example-horatio:url:GetPost",
      request: { id: UUID.toUpperCase() },
      url: `https://h/api/posts/${UUID}`,
    },
    { endpoint: "example-horatio:url:GetFeed", request: {}, url: "https://h/api/feed?limit=20" },
    {
      endpoint: "example-horatio:url:GetFeed",
      request: { author: "ada", before: "2024-03-05T08:08:09.1+01:00", limit: 5 },
      url: "https://h/api/feed?author=ada&before=2024-03-05T07%3A08%3A09.100Z&limit=5",
    },
    { endpoint: "example-horatio:url:CreatePost", request: { body: "x" }, url: "https://h/api/posts" },
    {
      endpoint: "valid-http:url:ListItems",
      request: { tags: ["a b", "c/d"], order: "Desc", search: "é&?" },
      url: "https://h/api/items?search=%C3%A9%26%3F&order=Desc&tags=a%20b&tags=c%2Fd&limit=20",
    },
    { endpoint: "valid-http:url:UpdateItem", request: { id: UUID, name: "n" }, url: `https://h/api/items/${UUID}` },
    { endpoint: "valid-http:url:Health", request: {}, url: "https://h/health" },
    { endpoint: "edge-cases:url:Config", request: {}, url: "https://h/config" },
    { endpoint: "edge-cases:url:Numbers", request: { n: 1.5 }, url: "https://h/numbers/1.5" },
    {
      endpoint: "edge-cases:url:Search",
      request: { kind: "Thing", page: -2, q: "x&y", flags: [true, false], ids: [UUID], day: "2024-02-29" },
      url: `https://h/api/search/Thing/-2?q=x%26y&flags=true&flags=false&day=2024-02-29&ids=${UUID}`,
    },
  ];

  it.each(examples)("$endpoint $url", async ({ endpoint, request, url }) => {
    const [reply] = await ask([{ type: endpoint, json: JSON.stringify(request) }]);
    expect(reply!.error).toBeUndefined();
    expect(reply!.ok).toBe(url);
  });
});
