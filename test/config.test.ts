import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseTOML, ParseError } from "toml-eslint-parser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Span } from "../src/ast/nodes.js";
import type { Diagnostic } from "../src/diagnostics/types.js";
import {
  applyOverrides,
  configReferenceMarkdown,
  configReferenceText,
  configSchema,
  defaultConfig,
  emitterEnabled,
  findConfig,
  loadConfig,
  resolveSchemaFiles,
} from "../src/config/index.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "hamlet-config-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function write(relative: string, text: string): string {
  const path = join(dir, relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** 1-based line and column of a span's start, read from the file it points into. */
function at(span: Span | undefined): string {
  if (!span) return "nowhere";
  const before = readFileSync(span.file, "utf8").slice(0, span.start);
  const lines = before.split("\n");
  return `${lines.length}:${lines[lines.length - 1]!.length + 1}`;
}

/** The text a span covers. */
function text(span: Span | undefined): string {
  return span ? readFileSync(span.file, "utf8").slice(span.start, span.end) : "";
}

function summary(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} ${at(d.span)} ${d.message}${d.hint ? ` | ${d.hint}` : ""}`);
}

const FULL = `# a full configuration
[hamlet]
schema = ["schema/*.hamlet", "extra/**/*.hamlet"]
out = "build/gen"

[hamlet.features]
database = true
event_store = false

[hamlet.emitters.elm]
enabled = false
module_prefix = "Api"

[hamlet.emitters.openapi]
title = "Shop"
servers = ["https://a", "https://b"]
info.version = "2"

[hamlet.server]
port = 3000
host = "0.0.0.0"
database_url = "postgres://localhost/shop"
session_secret_env = "SHOP_SECRET"
tenant = "header"
`;

describe("loadConfig", () => {
  it("reads a full configuration", () => {
    const file = write("hamlet.toml", FULL);
    const { config, diagnostics } = loadConfig(file, ["elm", "openapi", "typescript"]);
    expect(summary(diagnostics)).toEqual([]);
    expect(config).toBeDefined();
    const c = config!;
    expect(c.file).toBe(file);
    expect(c.rootDir).toBe(dir);
    expect(c.schema.patterns).toEqual(["schema/*.hamlet", "extra/**/*.hamlet"]);
    expect(c.schema.spans.map(text)).toEqual(['"schema/*.hamlet"', '"extra/**/*.hamlet"']);
    expect(c.schema.spans.map(at)).toEqual(["3:11", "3:30"]);
    expect(c.outDir).toBe(join(dir, "build/gen"));
    expect(c.features).toEqual({ database: true, eventStore: false });
    expect(c.server).toEqual({
      port: 3000,
      host: "0.0.0.0",
      databaseUrl: "postgres://localhost/shop",
      sessionSecretEnv: "SHOP_SECRET",
      tenant: "header",
      trustProxy: false,
    });

    expect(Object.keys(c.emitters)).toEqual(["elm", "openapi"]);
    const elm = c.emitters.elm!;
    expect(elm.enabled).toBe(false);
    expect(at(elm.span)).toBe("10:18");
    expect(text(elm.span)).toBe("elm");
    expect(elm.options.module_prefix?.value).toBe("Api");
    expect(at(elm.options.module_prefix?.span)).toBe("12:1");
    expect(text(elm.options.module_prefix?.valueSpan)).toBe('"Api"');

    const openapi = c.emitters.openapi!;
    expect(openapi.enabled).toBe(true);
    expect(Object.fromEntries(Object.entries(openapi.options).map(([k, v]) => [k, v.value]))).toEqual({
      title: "Shop",
      servers: ["https://a", "https://b"],
      info: { version: "2" },
    });
    expect(at(openapi.options.info?.span)).toBe("17:1");

    expect(emitterEnabled(c, "elm")).toBe(false);
    expect(emitterEnabled(c, "openapi")).toBe(true);
    expect(emitterEnabled(c, "typescript")).toBe(true);
  });

  it("fills in defaults for a bare [hamlet] table", () => {
    const file = write("hamlet.toml", "[hamlet]\n");
    const { config, diagnostics } = loadConfig(file);
    expect(diagnostics).toEqual([]);
    expect(config).toEqual({
      file,
      rootDir: dir,
      schema: { patterns: ["schema/*.hamlet"], spans: [undefined] },
      outDir: join(dir, "generated"),
      features: { database: true, eventStore: true },
      emitters: {},
      server: {
        port: 8080,
        host: "127.0.0.1",
        databaseUrl: "sqlite:.hamlet/app.db",
        sessionSecretEnv: "HAMLET_SESSION_SECRET",
        tenant: "single",
        trustProxy: false,
      },
      diff: { failOn: ["wire", "database"], accept: [] },
    });
  });

  it("accepts an empty file, a single schema string, inline tables and dotted keys", () => {
    expect(loadConfig(write("a/hamlet.toml", "")).diagnostics).toEqual([]);
    const file = write(
      "b/hamlet.toml",
      'hamlet.schema = "s.hamlet"\nhamlet.features = { database = true, event_store = false }\n',
    );
    const { config, diagnostics } = loadConfig(file);
    expect(diagnostics).toEqual([]);
    expect(config!.schema.patterns).toEqual(["s.hamlet"]);
    expect(at(config!.schema.spans[0])).toBe("1:17");
    expect(config!.features).toEqual({ database: true, eventStore: false });
  });

  it("turns the event store off by default when the database is off", () => {
    const file = write("hamlet.toml", "[hamlet.features]\ndatabase = false\n");
    const { config, diagnostics } = loadConfig(file);
    expect(diagnostics).toEqual([]);
    expect(config!.features).toEqual({ database: false, eventStore: false });
  });

  it("HAM0705: event store on while the database is off", () => {
    const file = write("hamlet.toml", "[hamlet.features]\ndatabase = false\nevent_store = true\n");
    const { config, diagnostics } = loadConfig(file);
    expect(summary(diagnostics)).toEqual([
      "HAM0705 3:15 The event store needs the database, which is turned off. | Set `database = true`, or turn `event_store` off.",
    ]);
    expect(config!.features).toEqual({ database: false, eventStore: false });
  });

  it("HAM0701: unknown keys anywhere, with did-you-mean", () => {
    const file = write(
      "hamlet.toml",
      [
        "[hamlet]",
        'schemas = "x"',
        "",
        "[hamlet.featres]",
        "",
        "[hamlet.features]",
        "databse = true",
        "",
        "[hamlet.server]",
        "  portt = 1",
        "",
        "[tool]",
        "x = 1",
        "",
      ].join("\n"),
    );
    const { config, diagnostics } = loadConfig(file);
    expect(config).toBeDefined();
    expect(summary(diagnostics)).toEqual([
      "HAM0701 2:1 Unknown setting `hamlet.schemas`. | Did you mean `schema`?",
      "HAM0701 4:9 Unknown setting `hamlet.featres`. | Did you mean `features`?",
      "HAM0701 7:1 Unknown setting `hamlet.features.databse`. | Did you mean `database`?",
      "HAM0701 10:3 Unknown setting `hamlet.server.portt`. | Did you mean `port`?",
      "HAM0701 12:2 Unknown setting `tool`. | See `hamletc --help` and README.md for the settings.",
    ]);
    expect(diagnostics.every((d) => d.span?.file === file)).toBe(true);
  });

  it("[hamlet.diff]: audiences and accepted changes, checked where they are written", () => {
    const good = loadConfig(
      write(
        "diff-ok/hamlet.toml",
        '[hamlet.diff]\nfail_on = "source"\naccept = ["column.removed:PostRow.score", "enum.variant_added:Status.Archived"]\n',
      ),
    );
    expect(good.diagnostics).toEqual([]);
    expect(good.config!.diff).toEqual({
      failOn: ["source"],
      accept: [
        { kind: "column.removed", path: "PostRow.score" },
        { kind: "enum.variant_added", path: "Status.Archived" },
      ],
    });
    const bad = loadConfig(
      write("diff-bad/hamlet.toml", '[hamlet.diff]\nfail_on = ["wire", "clients"]\naccept = ["Post.body"]\n'),
    );
    expect(summary(bad.diagnostics)).toEqual([
      'HAM0702 2:20 The setting `hamlet.diff.fail_on` must be one of `"wire"`, `"source"`, `"database"`, or an array of them.',
      'HAM0702 3:11 The setting `hamlet.diff.accept` must be a string or an array of `kind:path` strings, such as `"field.removed:Post.body"`.',
    ]);
    expect(bad.config!.diff.failOn).toEqual(["wire", "database"]);
  });

  it("[hamlet.events] retention: a duration or off; anything else is HAM0702 on the value", () => {
    for (const value of ['"7d"', '"12h"', '"90s"', '"off"'])
      expect(loadConfig(write("events-ok/hamlet.toml", `[hamlet.events]\nretention = ${value}\n`)).diagnostics).toEqual(
        [],
      );
    for (const value of ['"7 days"', '"0d"', "7", '""'])
      expect(
        summary(loadConfig(write("events-bad/hamlet.toml", `[hamlet.events]\nretention = ${value}\n`)).diagnostics),
      ).toEqual([
        'HAM0702 2:13 The setting `hamlet.events.retention` must be a duration such as `"7d"`, `"12h"`, `"30m"` or `"90s"`, or `"off"` to keep everything.',
      ]);
  });

  it("HAM0702: values of the wrong type", () => {
    const file = write(
      "hamlet.toml",
      [
        "[hamlet]",
        'schema = ["a.hamlet", 3]',
        'out = ""',
        "[hamlet.features]",
        'database = "yes"',
        "[hamlet.emitters]",
        "elm = false",
        "[hamlet.emitters.ts]",
        'enabled = "no"',
        "[hamlet.server]",
        "port = 70000",
        "host = 1.5",
        'database_url = "mysql://x"',
        'session_secret_env = "MY SECRET"',
        'tenant = "path"',
        "",
      ].join("\n"),
    );
    const { config, diagnostics } = loadConfig(file);
    expect(summary(diagnostics)).toEqual([
      "HAM0702 2:23 The setting `hamlet.schema` must be a string or an array of strings.",
      "HAM0702 3:7 The setting `hamlet.out` must be a folder name (a non-empty string).",
      "HAM0702 5:12 The setting `hamlet.features.database` must be `true` or `false`.",
      "HAM0702 7:7 The setting `hamlet.emitters.elm` must be a table, `[hamlet.emitters.elm]`.",
      "HAM0702 9:11 The setting `hamlet.emitters.ts.enabled` must be `true` or `false`.",
      "HAM0702 11:8 The setting `hamlet.server.port` must be an integer from 0 to 65535.",
      "HAM0702 12:8 The setting `hamlet.server.host` must be a host name or address (a non-empty string).",
      "HAM0702 13:16 The setting `hamlet.server.database_url` must be a URL starting with `sqlite:` or `postgres://`.",
      "HAM0702 14:22 The setting `hamlet.server.session_secret_env` must be the name of an environment variable (letters, digits and `_`).",
      'HAM0702 15:10 The setting `hamlet.server.tenant` must be `"single"`, `"host"` or `"header"`.',
    ]);
    // Invalid values fall back to the defaults.
    expect(config!.features.database).toBe(true);
    expect(config!.server.port).toBe(8080);
    expect(config!.server.tenant).toBe("single");
    expect(config!.emitters.ts?.enabled).toBe(true);
  });

  it("HAM0702: a setting written as a table, and a table written as a value", () => {
    const file = write("hamlet.toml", "[hamlet.out]\nx = 1\n[hamlet.server]\n[hamlet.features.database]\n");
    const { diagnostics } = loadConfig(file);
    expect(summary(diagnostics)).toEqual([
      "HAM0702 1:2 The setting `hamlet.out` must be a folder name (a non-empty string).",
      "HAM0702 4:2 The setting `hamlet.features.database` must be `true` or `false`.",
    ]);
    const second = write("b/hamlet.toml", "hamlet = 1\n");
    expect(summary(loadConfig(second).diagnostics)).toEqual([
      "HAM0702 1:10 The setting `hamlet` must be a table, `[hamlet]`.",
    ]);
  });

  it("HAM0703: TOML syntax errors with the parser's line and column", () => {
    const cases: [string, string, string][] = [
      ['[hamlet]\nschema = "a\n', "2:12", "unterminated string constant"],
      ["[hamlet]\nout = 1\nout = 2\n", "3:1", "defining a key multiple times is invalid"],
      ["[hamlet]\n  foo bar\n", "2:7", "expected equal (=) token"],
      // The parser reports a missing `]` or value where the next line starts.
      ["[hamlet\n", "2:1", "unterminated table-key"],
      ["[hamlet]\nout = \n", "3:1", "unspecified values are invalid"],
    ];
    cases.forEach(([source, position, detail], i) => {
      const file = write(`case${i}/hamlet.toml`, source);
      const { config, diagnostics } = loadConfig(file);
      expect(config).toBeUndefined();
      expect(diagnostics).toHaveLength(1);
      const d = diagnostics[0]!;
      expect(d.code).toBe("HAM0703");
      expect(d.severity).toBe("error");
      expect(d.span?.file).toBe(file);
      expect(at(d.span)).toBe(position);
      // The same place as the parser's own line and (0-based) column.
      const error = (() => {
        try {
          parseTOML(source);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ParseError);
      const { lineNumber, column } = error as ParseError;
      expect(position).toBe(`${lineNumber}:${column + 1}`);
      expect(d.message).toBe(`hamlet.toml is not valid TOML: ${detail}.`);
    });
  });

  it("HAM0703 keeps offsets after a byte-order mark", () => {
    const file = write("hamlet.toml", "\uFEFF[hamlet]\nout = \n");
    const { diagnostics } = loadConfig(file);
    expect(diagnostics.map((d) => d.code)).toEqual(["HAM0703"]);
    expect(at(diagnostics[0]!.span)).toBe("3:1");
    const ok = write("ok/hamlet.toml", "\uFEFF[hamlet]\nout = 3\n");
    expect(summary(loadConfig(ok).diagnostics)).toEqual([
      "HAM0702 2:7 The setting `hamlet.out` must be a folder name (a non-empty string).",
    ]);
  });

  it("HAM0103: a file that cannot be read", () => {
    const { config, diagnostics } = loadConfig(join(dir, "missing.toml"));
    expect(config).toBeUndefined();
    expect(diagnostics.map((d) => [d.code, d.span])).toEqual([["HAM0103", undefined]]);
  });

  it("HAM0706: unknown emitter with a suggestion", () => {
    const file = write(
      "hamlet.toml",
      "[hamlet.emitters.typescrpt]\nenabled = false\n\n[hamlet.emitters.zzz]\n[hamlet.emitters.elm]\n",
    );
    const { config, diagnostics } = loadConfig(file, ["elm", "typescript", "openapi"]);
    expect(summary(diagnostics)).toEqual([
      "HAM0706 1:18 Unknown emitter `typescrpt`. | Did you mean `typescript`?",
      "HAM0706 4:18 Unknown emitter `zzz`.",
    ]);
    expect(Object.keys(config!.emitters)).toEqual(["elm"]);
    // Without a list of emitters, any name is accepted.
    expect(Object.keys(loadConfig(file).config!.emitters)).toEqual(["typescrpt", "zzz", "elm"]);
  });
});

describe("defaultConfig", () => {
  it("turns every feature and emitter on", () => {
    const config = defaultConfig(dir);
    expect(config.file).toBeUndefined();
    expect(config.rootDir).toBe(dir);
    expect(config.schema).toEqual({ patterns: [], spans: [] });
    expect(config.outDir).toBe(join(dir, "generated"));
    expect(config.features).toEqual({ database: true, eventStore: true });
    expect(config.emitters).toEqual({});
    expect(emitterEnabled(config, "elm")).toBe(true);
    expect(config.server.port).toBe(8080);
  });
});

describe("applyOverrides", () => {
  it("lets flags win over the file", () => {
    const base = defaultConfig(dir);
    const { config, diagnostics } = applyOverrides(base, { out: "elsewhere", features: { eventStore: false } }, dir);
    expect(diagnostics).toEqual([]);
    expect(config.outDir).toBe(join(dir, "elsewhere"));
    expect(config.features).toEqual({ database: true, eventStore: false });
    expect(base.features.eventStore).toBe(true);
  });

  it("turning the database off turns the event store off, unless asked for", () => {
    const base = defaultConfig(dir);
    expect(applyOverrides(base, { features: { database: false } }).config.features).toEqual({
      database: false,
      eventStore: false,
    });
    const { config, diagnostics } = applyOverrides(base, { features: { database: false, eventStore: true } });
    expect(diagnostics.map((d) => [d.code, d.span])).toEqual([["HAM0705", undefined]]);
    expect(config.features).toEqual({ database: false, eventStore: false });
    expect(applyOverrides(base, {}).config.outDir).toBe(base.outDir);
  });
});

describe("resolveSchemaFiles", () => {
  it("expands globs relative to hamlet.toml, sorted and deduplicated", () => {
    write("project/schema/b.hamlet", "");
    write("project/schema/a.hamlet", "");
    write("project/schema/notes.md", "");
    write("project/schema/more/c.hamlet", "");
    write("project/node_modules/pkg/x.hamlet", "");
    write("project/sub/dir/.keep", "");
    const file = write(
      "project/hamlet.toml",
      '[hamlet]\nschema = ["schema/*.hamlet", "**/*.hamlet", "schema/a.hamlet"]\n',
    );
    // Globs are relative to the file, not to the working directory.
    const { config } = loadConfig(file);
    const { files, diagnostics } = resolveSchemaFiles(config!);
    expect(diagnostics).toEqual([]);
    expect(files).toEqual([
      join(dir, "project/schema/a.hamlet"),
      join(dir, "project/schema/b.hamlet"),
      join(dir, "project/schema/more/c.hamlet"),
    ]);
  });

  it("HAM0704: a glob that matches nothing, at the glob in hamlet.toml", () => {
    write("schema/a.hamlet", "");
    const file = write("hamlet.toml", '[hamlet]\nschema = [\n  "schema/*.hamlet",\n  "lib/*.hamlet",\n]\n');
    const { files, diagnostics } = resolveSchemaFiles(loadConfig(file).config!);
    expect(files).toEqual([join(dir, "schema/a.hamlet")]);
    expect(summary(diagnostics)).toEqual([
      "HAM0704 4:3 No schema file matches `lib/*.hamlet`. | Check the `schema` globs in hamlet.toml or the files on the command line.",
    ]);
  });

  it("HAM0704 without a location for the default glob; nothing for no globs (the caller's HAM0707)", () => {
    const file = write("hamlet.toml", "[hamlet]\n");
    const { diagnostics } = resolveSchemaFiles(loadConfig(file).config!);
    expect(diagnostics.map((d) => [d.code, d.span])).toEqual([["HAM0704", undefined]]);
    const empty = write("e/hamlet.toml", "[hamlet]\nschema = []\n");
    const result = resolveSchemaFiles(loadConfig(empty).config!);
    expect(result.files).toEqual([]);
    expect(result.diagnostics).toEqual([]);
  });
});

describe("findConfig", () => {
  it("walks up to the nearest hamlet.toml", () => {
    const top = write("hamlet.toml", "[hamlet]\n");
    mkdirSync(join(dir, "a/b/c"), { recursive: true });
    expect(findConfig(join(dir, "a/b/c"))).toBe(top);
    const inner = write("a/hamlet.toml", "[hamlet]\n");
    expect(findConfig(join(dir, "a/b/c"))).toBe(inner);
    expect(findConfig(join(dir, "a"))).toBe(inner);
    expect(findConfig(dir)).toBe(top);
  });

  it("ignores a directory called hamlet.toml and returns undefined at the root", () => {
    mkdirSync(join(dir, "x/hamlet.toml"), { recursive: true });
    const found = findConfig(join(dir, "x"));
    // Something above the temp dir could hold a hamlet.toml; it must not be the directory.
    expect(found).not.toBe(join(dir, "x/hamlet.toml"));
    expect(findConfig("/")).toBe(undefined);
  });
});

describe("configSchema", () => {
  it("describes every key once, with a type, default and one-line description", () => {
    for (const table of configSchema) {
      const keys = table.settings.map((s) => s.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const s of table.settings) expect(s.description).not.toMatch(/\n/);
    }
    const reference = configReferenceText();
    expect(reference).toContain("[hamlet.server]");
    expect(reference).toMatch(/^tenant += "single" +# "single" \| "host" \| "header"\. /m);
    expect(reference).toContain("event_store = true");
    expect(configReferenceMarkdown()).toContain('| `database_url` | string | `"sqlite:.hamlet/app.db"` |');
  });

  it("its reference text is itself a valid configuration", () => {
    const file = write(
      "hamlet.toml",
      configReferenceText().replace("[hamlet.emitters.<name>]", "[hamlet.emitters.elm]"),
    );
    const { diagnostics } = loadConfig(file);
    expect(summary(diagnostics)).toEqual([]);
  });
});
