/**
 * The generated validators (the committed goldens, kept fresh by typescript-golden.test.ts):
 * every constraint kind with its exact path and message, forbidden keys, scalar wire rules,
 * defaults, encoders, and a fast-check round trip `decode(encode(x))` for every type of every
 * corpus case, with values derived from the schema IR.
 */
import fc from "fast-check";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as allTypes from "./golden/typescript/valid-all-types/validators.js";
import * as enums from "./golden/typescript/valid-enums/validators.js";
import * as http from "./golden/typescript/valid-http/validators.js";
import * as horatio from "./golden/typescript/shared-horatio/validators.js";
import * as shop from "./golden/typescript/valid-imports/validators.js";
import { ArbitraryBuilder } from "./support/ts-arbitrary.js";
import { compileSchema, goldenRoot, tsCases } from "./support/ts-emit.js";

type Decoder = (
  value: unknown,
) => { ok: true; value: unknown } | { ok: false; errors: { path: string; message: string }[] };

const everything = {
  text: "hello",
  anything: { nested: [1, "two", null] },
  grid: [[1, 2], [3]],
  scores: { a: 0.5 },
  nested: { street: "Main", number: 12 },
};

function errorsOf(decode: Decoder, value: unknown) {
  const result = decode(value);
  if (result.ok) throw new Error(`expected errors for ${JSON.stringify(value)}`);
  return result.errors.map((e) => `${e.path}: ${e.message}`);
}

function valueOf<T>(result: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!result.ok) throw new Error(`unexpected errors ${JSON.stringify(result.errors)}`);
  return result.value;
}

describe("decoding accepts valid values and applies defaults", () => {
  it("fills every default of Everything", () => {
    const value = valueOf(allTypes.decodeEverything(everything));
    expect(value).toEqual({
      ...everything,
      count: 0,
      ratio: 0.5,
      flag: true,
      id: "123e4567-e89b-12d3-a456-426614174000",
      at: new Date("2024-02-29T10:00:00.250Z"),
      day: "2024-02-29",
      blob: "aGFtbGV0",
      names: ["a"],
      color: "Green",
      maybe: undefined,
      homepage: undefined,
      contact: undefined,
    });
    expect(Object.getPrototypeOf(value.scores)).toBeNull();
  });

  it("treats null like absent for optional and defaulted fields", () => {
    const value = valueOf(allTypes.decodeEverything({ ...everything, maybe: null, count: null, homepage: null }));
    expect(value.maybe).toBeUndefined();
    expect(value.count).toBe(0);
  });

  it("normalizes UUIDs to lower case and timestamps to Date (milliseconds kept)", () => {
    const value = valueOf(
      allTypes.decodeEverything({
        ...everything,
        id: "123E4567-E89B-12D3-A456-426614174000",
        at: "2024-03-05t07:08:09.123456-01:30",
      }),
    );
    expect(value.id).toBe("123e4567-e89b-12d3-a456-426614174000");
    expect(value.at.toISOString()).toBe("2024-03-05T08:38:09.123Z");
  });

  it("handles years before 100 (Date.UTC would map them to 19xx)", () => {
    const value = valueOf(
      allTypes.decodeEverything({ ...everything, at: "0048-02-29T23:00:00-02:00", day: "0048-02-29" }),
    );
    expect(value.at.toISOString()).toBe("0048-03-01T01:00:00.000Z");
    expect(allTypes.encodeEverything(value) as Record<string, unknown>).toMatchObject({
      at: "0048-03-01T01:00:00.000Z",
      day: "0048-02-29",
    });
  });

  it("ignores unknown keys and accepts 1.0 as an Int", () => {
    const value = valueOf(allTypes.decodeEverything({ ...everything, extra: 1, count: 1.0 }));
    expect(value.count).toBe(1);
    expect("extra" in value).toBe(false);
  });
});

describe("every constraint kind is rejected with its path and message", () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ["@length max (code points)", { text: "😀".repeat(101) }, ["$.text: expected at most 100 characters"]],
    ["@min", { count: -6 }, ["$.count: expected at least -5"]],
    ["@max", { count: 6 }, ["$.count: expected at most 5"]],
    ["Int not integral", { count: 1.5 }, ["$.count: expected an integer"]],
    ["Int unsafe", { count: 2 ** 53 }, ["$.count: expected an integer between -9007199254740991 and 9007199254740991"]],
    ["Float type", { ratio: "0.5" }, ["$.ratio: expected a number"]],
    ["Bool type", { flag: "true" }, ["$.flag: expected a boolean"]],
    ["Uuid", { id: "123e4567e89b12d3a456426614174000" }, ["$.id: expected a UUID"]],
    ["Timestamp day", { at: "2023-02-29T00:00:00Z" }, ["$.at: expected an RFC 3339 timestamp"]],
    ["Timestamp leap second", { at: "2024-06-30T23:59:60Z" }, ["$.at: expected an RFC 3339 timestamp"]],
    ["Timestamp without zone", { at: "2024-06-30T23:59:59" }, ["$.at: expected an RFC 3339 timestamp"]],
    ["Timestamp after year 9999 in UTC", { at: "9999-12-31T23:59:59-01:00" }, ["$.at: expected an RFC 3339 timestamp"]],
    [
      "Timestamp before year 0000 in UTC",
      { at: "0000-01-01T00:00:00+00:01" },
      ["$.at: expected an RFC 3339 timestamp"],
    ],
    ["Date", { day: "2023-02-29" }, ["$.day: expected a date (YYYY-MM-DD)"]],
    ["Bytes padding bits", { blob: "aGFtbB==" }, ["$.blob: expected canonical base64"]],
    ["Bytes whitespace", { blob: "aGFt bGV0" }, ["$.blob: expected canonical base64"]],
    ["@minItems", { names: [] }, ["$.names: expected at least 1 item"]],
    ["@maxItems", { names: ["a", "b", "c", "d"] }, ["$.names: expected at most 3 items"]],
    [
      "nested list element",
      { grid: [[1, "x"], 3] },
      ["$.grid[0][1]: expected an integer", "$.grid[1]: expected a list"],
    ],
    [
      "alias range in a map",
      { scores: { a: 2, "b c": -1 } },
      ['$.scores["a"]: expected at most 1', '$.scores["b c"]: expected at least 0'],
    ],
    ["plain enum", { color: "Purple" }, ['$.color: unknown variant "Purple", expected one of Red, Green, Blue']],
    ["plain enum type", { color: 3 }, ["$.color: expected one of Red, Green, Blue"]],
    ["@format(url)", { homepage: "ftp://example.com" }, ["$.homepage: expected a URL"]],
    [
      "@format(email) and alias @length",
      { contact: "a@" },
      ["$.contact: expected at least 3 characters", "$.contact: expected an email address"],
    ],
    [
      "nested record",
      { nested: { number: 0 } },
      ["$.nested.street: is required", "$.nested.number: expected at least 1"],
    ],
    ["required field", { text: undefined }, ["$.text: is required"]],
    ["Json required (null is a value)", { anything: undefined }, ["$.anything: is required"]],
  ];
  for (const [name, patch, expected] of cases) {
    it(name, () => {
      expect(errorsOf(allTypes.decodeEverything, { ...everything, ...patch })).toEqual(expected);
    });
  }

  it("reports every problem at once", () => {
    expect(errorsOf(allTypes.decodeEverything, { ...everything, text: 1, count: 99, flag: 0, nested: [] })).toEqual([
      "$.text: expected a string",
      "$.count: expected at most 5",
      "$.flag: expected a boolean",
      "$.nested: expected an object",
    ]);
  });

  it("@pattern is a search without flags", () => {
    expect(errorsOf(shop.decodePrice, { amount: 1, currency: "eur" })).toEqual([
      "$.currency: expected to match pattern ^[A-Z]{3}$",
    ]);
    expect(errorsOf(shop.decodePrice, { amount: -1, currency: "EUR" })).toEqual(["$.amount: expected at least 0"]);
    expect(valueOf(shop.decodeProduct({ name: "x", price: { amount: 1, currency: "EUR" } }))).toEqual({
      name: "x",
      price: { amount: 1, currency: "EUR" },
    });
    expect(errorsOf(horatio.decodeHandle, "Alice")).toEqual(["$: expected to match pattern ^[a-z0-9_]{3,20}$"]);
  });

  it("checks a Horatio feed deep inside lists", () => {
    const post = {
      id: "123e4567-e89b-12d3-a456-426614174000",
      author: "alice",
      body: "hi",
      tags: [],
      likes: 0,
      visibility: "Public",
      created_at: "2024-03-05T07:08:09Z",
      reactions: {},
    };
    const posts = [post, post, post, { ...post, body: "x".repeat(501), likes: -1 }];
    expect(errorsOf(horatio.decodeGetFeedResponse, { posts })).toEqual([
      "$.posts[3].body: expected at most 500 characters",
      "$.posts[3].likes: expected at least 0",
    ]);
  });
});

describe("forbidden keys and tagged enums", () => {
  it("rejects __proto__, constructor and prototype in records and maps", () => {
    const record = JSON.parse(
      `{"__proto__": {"polluted": true}, "constructor": 1, "prototype": 2, "text": "x", "anything": 1, "grid": [], "scores": {"__proto__": 0.5}, "nested": {"street": "s", "number": 1}}`,
    ) as unknown;
    expect(errorsOf(allTypes.decodeEverything, record)).toEqual([
      '$: forbidden key "__proto__"',
      '$: forbidden key "constructor"',
      '$: forbidden key "prototype"',
      '$.scores: forbidden key "__proto__"',
    ]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("decodes tagged variants and rejects unknown tags", () => {
    expect(valueOf(enums.decodeShape({ tag: "Circle", radius: 2 }))).toEqual({ tag: "Circle", radius: 2 });
    expect(valueOf(enums.decodeShape({ tag: "Point" }))).toEqual({ tag: "Point" });
    expect(errorsOf(enums.decodeShape, { tag: "Circle", radius: -1 })).toEqual(["$.radius: expected at least 0"]);
    expect(errorsOf(enums.decodeShape, { tag: "Hexagon" })).toEqual([
      '$.tag: unknown variant "Hexagon", expected one of Circle, Rectangle, Point',
    ]);
    expect(errorsOf(enums.decodeShape, "Point")).toEqual(["$: expected an object"]);
    expect(
      errorsOf(enums.decodeTree, { tag: "Node", value: 1, left: { tag: "Leaf" }, right: { tag: "Node" } }),
    ).toEqual(["$.right.value: is required", "$.right.left: is required", "$.right.right: is required"]);
  });

  it("tags declared errors even when no variant has fields", () => {
    expect(valueOf(http.decodeGetItemError({ tag: "Gone" }))).toEqual({ tag: "Gone" });
    expect(http.encodeGetItemError({ tag: "NotFound" })).toEqual({ tag: "NotFound" });
    expect(errorsOf(http.decodeGetItemError, "NotFound")).toEqual(["$: expected an object"]);
  });
});

describe("encoders write the wire format", () => {
  it("timestamps in UTC with 3 fraction digits, lower-case UUIDs, no absent optionals, defaults written", () => {
    const encoded = allTypes.encodeEverything({
      ...everything,
      at: new Date(Date.UTC(2024, 2, 5, 7, 8, 9, 120)),
      id: "123E4567-E89B-12D3-A456-426614174000" as never,
      maybe: undefined,
    }) as Record<string, unknown>;
    expect(encoded["at"]).toBe("2024-03-05T07:08:09.120Z");
    expect(encoded["id"]).toBe("123e4567-e89b-12d3-a456-426614174000");
    expect("maybe" in encoded).toBe(false);
    expect(encoded["count"]).toBe(0);
    expect(encoded["names"]).toEqual(["a"]);
    expect(encoded["blob"]).toBe("aGFtbGV0");
  });

  it("encodes tagged variants flat", () => {
    expect(enums.encodeShape({ tag: "Rectangle", width: 1, height: 2 })).toEqual({
      tag: "Rectangle",
      width: 1,
      height: 2,
    });
    expect(
      horatio.encodeFeedUpdate({ tag: "Liked", id: "123E4567-E89B-12D3-A456-426614174000" as never, likes: 3 }),
    ).toEqual({ tag: "Liked", id: "123e4567-e89b-12d3-a456-426614174000", likes: 3 });
  });
});

describe("decode(encode(x)) round-trips values derived from the schema", () => {
  for (const c of tsCases()) {
    it(c.name, async () => {
      const schema = compileSchema(c.entry);
      const module = (await import(join(goldenRoot, c.name, "validators.ts"))) as Record<
        string,
        (value: unknown) => unknown
      >;
      const builder = new ArbitraryBuilder(schema);
      for (const def of schema.types) {
        const decode = module[`decode${def.name}`] as Decoder;
        const encode = module[`encode${def.name}`]!;
        fc.assert(
          fc.property(builder.named(def.name), (value) => {
            const direct = decode(encode(value));
            expect(direct.ok ? [] : direct.errors).toEqual([]);
            expect(direct.ok && direct.value).toEqual(value);
            const viaJson = decode(JSON.parse(JSON.stringify(encode(value))));
            expect(viaJson.ok && viaJson.value).toEqual(value);
          }),
          { numRuns: 40 },
        );
      }
    });
  }
});
