/**
 * Incremental emit (src/emit/fragment-cache.ts): text printed for a type in an earlier watch
 * build is reused only when it cannot differ. The cases where a reused fragment would be wrong:
 * a hoisted pattern renumbered by an edit elsewhere, and a type whose printed code depends on a
 * type it references (an alias whose target changed). Whole files printed from declarations
 * (server.ts, client.ts, the Elm endpoint, stream, socket, upload and worker modules) are reused
 * when none of their declarations changed.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBuild } from "../src/cli/commands/build.js";
import type { Reporter } from "../src/cli/report.js";
import fc from "fast-check";
import { EmitMemo, emittingWith, joinKept, reuseText, unionKept } from "../src/emit/fragment-cache.js";
import { CompileCache } from "../src/program/compile-cache.js";

const root = mkdtempSync(join(tmpdir(), "hamlet-incremental-emit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const quiet: Reporter = {
  format: "human",
  diagnostics: () => undefined,
  info: () => undefined,
  flush: () => undefined,
};

function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile()) files.set(join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), "utf8"));
  return new Map([...files].map(([path, text]) => [path.slice(dir.length), text]));
}

/**
 * Builds the versions of `first.hamlet` in turn, `second.hamlet` unchanged (so its types are
 * reused), through one cache; after each, the output equals a fresh build's.
 */
async function rebuildsEqualFresh(name: string, second: string, versions: readonly string[]): Promise<void> {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, "first.hamlet"), join(dir, "second.hamlet")];
  writeFileSync(files[1]!, second);
  const cache = new CompileCache();
  for (const [i, text] of versions.entries()) {
    writeFileSync(files[0]!, text);
    expect(await runBuild({ files, out: join(dir, "watched") }, quiet, cache)).toBe(0);
    expect(await runBuild({ files, out: join(dir, `fresh${i}`) }, quiet)).toBe(0);
    expect(snapshot(join(dir, "watched"))).toEqual(snapshot(join(dir, `fresh${i}`)));
  }
}

describe("incremental emit", () => {
  it("prints a reader again when its pattern is renumbered", async () => {
    const first = 'package p\n\nrecord A {\n  code: String @pattern("^a+$")\n}\n';
    const second = 'package p\n\nrecord B {\n  code: String @pattern("^b+$")\n}\n';
    await rebuildsEqualFresh("patterns", second, [first, first.replace(' @pattern("^a+$")', ""), first]);
  });

  it("prints a type again when a type it references changed", async () => {
    // The record's lowering reads only that `Inner` is an enum, so the checker reuses it; its
    // encoder passes a plain enum through but encodes a tagged one.
    const inner = (variants: string) => `package p\n\nenum Inner { ${variants} }\n`;
    const outer = "package p\n\nrecord Outer {\n  inner: Inner\n  list: List<Inner>\n}\n";
    await rebuildsEqualFresh("references", outer, [inner("A, B"), inner("A { x: Int }, B"), inner("A, B")]);
  });

  it("prints an Elm type again when an edit elsewhere makes it recursive", async () => {
    // `Outer` is unchanged, but once `Inner` points back at it the Elm emitter wraps it and
    // decodes it lazily: facts from the whole schema, part of the fragment's key.
    const inner = (fields: string) => `package p\n\nrecord Inner {\n  ${fields}\n}\n`;
    const outer = "package p\n\nrecord Outer {\n  inner: Inner?\n  list: List<Inner>\n}\n";
    await rebuildsEqualFresh("recursion", outer, [inner("id: Uuid"), inner("back: Outer?"), inner("id: Uuid")]);
  });

  it("prints an Elm enum again when a type elsewhere takes its constructor's name", async () => {
    // The Elm constructor of `Color.Red` is `Red` until a type named `Red` appears.
    const other = (name: string) => `package p\n\nrecord ${name} {\n  id: Uuid\n}\n`;
    const colors = "package p\n\nenum Color { Red, Blue }\n\nrecord Paint {\n  color: Color\n}\n";
    await rebuildsEqualFresh("constructors", colors, [other("Other"), other("Red"), other("Other")]);
  });

  it("prints a type again when an alias it uses changed", async () => {
    const first = (target: string) => `package p\n\nalias When = ${target}\n`;
    const second = "package p\n\nrecord Event {\n  at: When\n  tags: List<When>\n}\n";
    await rebuildsEqualFresh("aliases", second, [first("String"), first("Timestamp"), first("Uuid"), first("String")]);
  });

  it("reuses whole files printed from declarations an edit did not change", async () => {
    const dir = join(root, "files");
    mkdirSync(dir, { recursive: true });
    const files = [join(dir, "first.hamlet"), join(dir, "second.hamlet")];
    const record = (length: number) => `package p\n\nrecord Note {\n  text: String @length(1, ${length})\n}\n`;
    writeFileSync(
      files[1]!,
      [
        "package p",
        "",
        "record Item {\n  id: Uuid\n}",
        'endpoint GetItem: GET "/items/{id}" {\n  request { id: Uuid }\n  response Item\n}',
        "sse Feed: Item",
        'websocket Talk: "/ws" {\n  Say { text: String }\n}',
        'upload Picture: POST "/pictures" {\n  fields { note: String? }\n  file {\n    max_size: 1MB\n  }\n  response Item\n}',
        "worker Crunch {\n  input CrunchInput { item: Item }\n  output CrunchOutput { count: Int }\n}",
        "",
      ].join("\n\n"),
    );
    const cache = new CompileCache();
    const reported: string[] = [];
    const reporter: Reporter = { ...quiet, info: (line) => void reported.push(line) };
    writeFileSync(files[0]!, record(10));
    expect(await runBuild({ files, out: join(dir, "watched") }, reporter, cache)).toBe(0);
    const printed = cache.emitted.last.printed;
    expect(printed).toBeGreaterThan(10);
    // A record no endpoint, stream, socket, upload or worker reads: no file printed from those
    // declarations is printed again (validators are, from their kept fragments).
    writeFileSync(files[0]!, record(20));
    expect(await runBuild({ files, out: join(dir, "watched") }, reporter, cache)).toBe(0);
    expect(cache.emitted.last).toEqual({ reused: printed, printed: 0 });
    expect(reported.at(-1)).toMatch(/\(5 written/); // the validators (TS, Elm), OpenAPI, docs, JSON
    expect(await runBuild({ files, out: join(dir, "fresh") }, quiet)).toBe(0);
    expect(snapshot(join(dir, "watched"))).toEqual(snapshot(join(dir, "fresh")));
    // The record the endpoints read: the files printed from them are printed again.
    writeFileSync(
      files[1]!,
      readFileSync(files[1]!, "utf8").replace(
        "record Item {\n  id: Uuid\n}",
        "record Item {\n  id: Uuid\n  name: String\n}",
      ),
    );
    expect(await runBuild({ files, out: join(dir, "watched") }, reporter, cache)).toBe(0);
    expect(cache.emitted.last.printed).toBeGreaterThan(5);
    rmSync(join(dir, "fresh"), { recursive: true });
    expect(await runBuild({ files, out: join(dir, "fresh") }, quiet)).toBe(0);
    expect(snapshot(join(dir, "watched"))).toEqual(snapshot(join(dir, "fresh")));
  });
});

describe("server.ts, client.ts and the docs per endpoint", () => {
  it("print again only the endpoints an edit changed, with the imports each needs now", async () => {
    const dir = join(root, "endpoints");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "api.hamlet");
    const endpoint = (name: string, extra = "") =>
      `record ${name}Item {\n  id: Uuid\n  title: String @length(1, 20)\n}\n\nendpoint Get${name}: GET "/${name.toLowerCase()}/{id}" {\n  request { id: Uuid }\n  response ${name}Item\n${extra}}\n`;
    const schema = (b: string) => ["package p\n", endpoint("A"), b, endpoint("C")].join("\n");
    const versions = [
      schema(endpoint("B")),
      // Only GetB's response type changed.
      schema(endpoint("B").replace("@length(1, 20)", "@length(1, 30)")),
      // GetB gains declared errors: server.ts now imports `Failure` for its handler's return type.
      schema(endpoint("B", "  errors { Missing }\n")),
      schema(endpoint("B")),
    ];
    const cache = new CompileCache();
    const counts: unknown[] = [];
    for (const [i, text] of versions.entries()) {
      writeFileSync(file, text);
      expect(await runBuild({ files: [file], out: join(dir, "watched") }, quiet, cache)).toBe(0);
      counts.push(
        ["server.ts endpoints", "client.ts endpoints", "docs endpoints"].map((name) => cache.emitted.pieces.get(name)),
      );
      expect(await runBuild({ files: [file], out: join(dir, `fresh${i}`) }, quiet)).toBe(0);
      expect(snapshot(join(dir, "watched"))).toEqual(snapshot(join(dir, `fresh${i}`)));
      const server = readFileSync(join(dir, "watched", "typescript", "server.ts"), "utf8");
      expect(/\bFailure\b/.test(server)).toBe(i === 2);
    }
    const once = { reused: 2, printed: 1 };
    const first = { reused: 0, printed: 3 };
    expect(counts).toEqual([[first, first, first], ...Array(3).fill([once, once, once])]);
  });
});

describe("reuseText", () => {
  let prints = 0;
  const build = (memo: EmitMemo, parts: readonly (string | readonly string[])[]) =>
    emittingWith(memo, "elm", async () =>
      reuseText("module", parts, () => {
        prints++;
        return parts.map((p) => (typeof p === "string" ? p : p.join("\n"))).join("\n\n");
      }),
    );

  it("keeps the last text while the pieces are equal text, and prints again when they are not", async () => {
    const memo = new EmitMemo();
    const first = await build(memo, ["Api.Types", ["type A", "  = A"], ["type B"]]);
    expect(prints).toBe(1);
    // Pieces printed again (new strings, same text): the last build's string, not printed again.
    const again = await build(memo, ["Api.Types", ["type A", "  = A"].map((l) => `${l}!`.slice(0, -1)), ["type B"]]);
    expect([prints, again]).toEqual([1, first]);
    const changed = await build(memo, ["Api.Types", ["type A", "  = A2"], ["type B"]]);
    expect([prints, changed]).toEqual([2, "Api.Types\n\ntype A\n  = A2\n\ntype B"]);
    // The same lines split into other blocks print again.
    const regrouped = await build(memo, ["Api.Types", ["type A"], ["  = A2", "type B"]]);
    expect([prints, regrouped]).toEqual([3, "Api.Types\n\ntype A\n\n  = A2\ntype B"]);
    // Outside a watch build nothing is kept.
    await emittingWith(undefined, "elm", async () => reuseText("module", ["x"], () => String(++prints)));
    expect(await emittingWith(undefined, "elm", async () => reuseText("module", ["x"], () => String(++prints)))).toBe(
      "5",
    );
  });
});

describe("joinKept", () => {
  const joined = (memo: EmitMemo | undefined, parts: readonly string[], separator = "\n") =>
    emittingWith(memo, "typescript", async () => joinKept("validators.ts", parts, separator));
  const lines = (n: number, tag = "") => Array.from({ length: n }, (_, i) => `line ${i}${tag}`);

  it("is the very string of the last build when no part changed, and equals a join when one did", async () => {
    const memo = new EmitMemo();
    const parts = lines(1000);
    const first = await joined(memo, parts);
    expect(first).toBe(parts.join("\n"));
    // The same parts again, and parts printed again with equal text (new strings): the last string.
    expect(await joined(memo, [...parts])).toBe(first);
    const reprinted = parts.map((p) => `${p}!`.slice(0, -1));
    expect(await joined(memo, reprinted)).toBe(first);
    // One part in the middle changed, one inserted, one removed, the separator changed.
    const changed = [...parts];
    changed[500] = "changed";
    expect(await joined(memo, changed)).toBe(changed.join("\n"));
    const inserted = [...changed.slice(0, 300), "inserted", ...changed.slice(300)];
    expect(await joined(memo, inserted)).toBe(inserted.join("\n"));
    expect(await joined(memo, inserted.slice(1))).toBe(inserted.slice(1).join("\n"));
    expect(await joined(memo, inserted.slice(1), "\n\n")).toBe(inserted.slice(1).join("\n\n"));
    // Outside a watch build: a join.
    expect(await joined(undefined, parts)).toBe(first);
  });

  it("equals a join after any sequence of edits to the parts", async () => {
    const edit = fc.oneof(
      fc.tuple(fc.constant("set" as const), fc.nat(), fc.string({ maxLength: 3 })),
      fc.tuple(fc.constant("insert" as const), fc.nat(), fc.string({ maxLength: 3 })),
      fc.tuple(fc.constant("remove" as const), fc.nat(), fc.nat({ max: 200 })),
    );
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 600 }), fc.array(edit, { maxLength: 8 }), async (size, edits) => {
        const memo = new EmitMemo();
        let parts = lines(size);
        expect(await joined(memo, parts, "")).toBe(parts.join(""));
        for (const [kind, at, value] of edits) {
          const i = parts.length === 0 ? 0 : at % parts.length;
          parts = [...parts];
          if (kind === "set") parts[i] = value;
          else if (kind === "insert") parts.splice(i, 0, value);
          else parts.splice(i, value);
          expect(await joined(memo, parts, "")).toBe(parts.join(""));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("unionKept", () => {
  it("gives sets whose union is every name of the lists, after any sequence of edits", async () => {
    const union = (memo: EmitMemo, lists: readonly (readonly string[])[]) =>
      emittingWith(memo, "typescript", async () => {
        const all = new Set<string>();
        for (const names of unionKept("validators.ts", lists)) for (const name of names) all.add(name);
        return [...all].sort();
      });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.constantFrom("a", "b", "c", "Item", "decodeItem"), { maxLength: 3 }), { maxLength: 400 }),
        fc.array(fc.tuple(fc.nat(), fc.array(fc.constantFrom("x", "y", "a"), { maxLength: 2 })), { maxLength: 6 }),
        async (start, edits) => {
          const memo = new EmitMemo();
          let lists: (readonly string[])[] = start;
          const expected = () => [...new Set(lists.flat())].sort();
          expect(await union(memo, lists)).toEqual(expected());
          for (const [at, names] of edits) {
            lists = [...lists];
            if (lists.length > 0 && at % 2 === 0) lists[at % lists.length] = names;
            else lists.splice(lists.length === 0 ? 0 : at % lists.length, 0, names);
            expect(await union(memo, lists)).toEqual(expected());
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
