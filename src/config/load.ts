/**
 * Reading `hamlet.toml` into a `HamletConfig`, with a diagnostic at the key or value for every
 * problem. The keys, types and defaults come from `schema.ts`.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { AST } from "toml-eslint-parser";
import type { Span } from "../ast/nodes.js";
import { diagnostic } from "../diagnostics/messages.js";
import { withSuggestion } from "../diagnostics/suggest.js";
import type { Diagnostic } from "../diagnostics/types.js";
import type { Features } from "../schema/types.js";
import { CONFIG_FILE_NAME, childTables, expectedText, settingDefault, tableSpec, type SettingType } from "./schema.js";
import { nodeSpan, parseTomlFile, plainValue, type TomlEntry, type TomlTable } from "./toml.js";

export type TenantMode = "single" | "host" | "header";

export interface EmitterOption {
  readonly value: unknown;
  /** The option's key. */
  readonly span: Span | undefined;
  /** The option's value (for "must be ..." diagnostics). */
  readonly valueSpan?: Span | undefined;
}

export interface EmitterConfig {
  enabled: boolean;
  /** Every key of the emitter's table except `enabled`, unvalidated. */
  options: Record<string, EmitterOption>;
  /** The emitter's name in `[hamlet.emitters.<name>]`. */
  span: Span | undefined;
}

export interface ServerConfig {
  port: number;
  host: string;
  databaseUrl: string;
  sessionSecretEnv: string;
  tenant: TenantMode;
  trustProxy: boolean;
}

export interface DiffConfig {
  /** Audiences whose breaking changes fail `hamletc diff`. */
  failOn: ("wire" | "source" | "database")[];
  /** Accepted changes as `{ kind, path }`. */
  accept: { kind: string; path: string }[];
}

export interface HamletConfig {
  /** Absolute path of hamlet.toml; undefined for the defaults of a bare schema file. */
  file: string | undefined;
  /** Absolute folder that globs and `out` are relative to. */
  rootDir: string;
  /** Globs as written; `spans[i]` is where `patterns[i]` is written in hamlet.toml. */
  schema: { patterns: string[]; spans: (Span | undefined)[] };
  /** Absolute. */
  outDir: string;
  features: Features;
  /** Only emitters with a table in hamlet.toml; see `emitterEnabled`. */
  emitters: Record<string, EmitterConfig>;
  server: ServerConfig;
  diff: DiffConfig;
}

export interface LoadResult {
  /** Undefined only when the file cannot be read or is not valid TOML. */
  config: HamletConfig | undefined;
  diagnostics: Diagnostic[];
}

/** Walks up from `startDir` to the filesystem root; the first hamlet.toml found, absolute. */
export function findConfig(startDir: string): string | undefined {
  let dir = resolve(startDir);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The configuration of a bare schema file: every feature and every emitter on. */
export function defaultConfig(rootDir: string): HamletConfig {
  const root = resolve(rootDir);
  return {
    file: undefined,
    rootDir: root,
    schema: { patterns: [], spans: [] },
    outDir: resolve(root, settingDefault<string>("hamlet", "out")),
    features: { database: true, eventStore: true },
    emitters: {},
    server: {
      port: settingDefault<number>("hamlet.server", "port"),
      host: settingDefault<string>("hamlet.server", "host"),
      databaseUrl: settingDefault<string>("hamlet.server", "database_url"),
      sessionSecretEnv: settingDefault<string>("hamlet.server", "session_secret_env"),
      tenant: settingDefault<TenantMode>("hamlet.server", "tenant"),
      trustProxy: settingDefault<boolean>("hamlet.server", "trust_proxy"),
    },
    diff: {
      failOn: [...settingDefault<readonly DiffConfig["failOn"][number][]>("hamlet.diff", "fail_on")],
      accept: [],
    },
  };
}

/** Whether an emitter runs: emitters without a table in hamlet.toml do. */
export function emitterEnabled(config: HamletConfig, name: string): boolean {
  return config.emitters[name]?.enabled ?? true;
}

/**
 * Reads and validates hamlet.toml. `knownEmitters`, when given, makes
 * `[hamlet.emitters.<other>]` an error (HAM0706); unknown emitters are left out of the result.
 */
export function loadConfig(path: string, knownEmitters?: readonly string[]): LoadResult {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "no such file"
        : error instanceof Error
          ? error.message
          : String(error);
    return { config: undefined, diagnostics: [diagnostic("HAM0103", undefined, { path: file, reason })] };
  }
  const parsed = parseTomlFile(file, text);
  if (!parsed.ok) {
    return {
      config: undefined,
      diagnostics: [diagnostic("HAM0703", parsed.span, { detail: lowerFirst(parsed.message) })],
    };
  }

  const diagnostics: Diagnostic[] = [];
  const config = defaultConfig(dirname(file));
  config.file = file;
  config.schema = { patterns: [...settingDefault<readonly string[]>("hamlet", "schema")], spans: [undefined] };

  // Settings that passed validation, by table path and key.
  const values = new Map<string, Map<string, { value: unknown; entry: TomlEntry }>>();
  const emitterTables: { name: string; entry: TomlEntry; table: TomlTable }[] = [];

  const visit = (table: TomlTable, path: string[]): void => {
    const spec = tableSpec(path);
    const children = childTables(path);
    const dotted = (key: string): string => [...path, key].join(".");
    for (const [key, entry] of table.entries) {
      const setting = spec?.settings.find((s) => s.key === key);
      if (setting) {
        const checked = checkValue(setting.type, entry, dotted(key), diagnostics);
        if (checked !== invalid) {
          const tableValues = values.get(path.join(".")) ?? new Map();
          values.set(path.join("."), tableValues);
          tableValues.set(key, { value: checked, entry });
        }
      } else if (children.has(key) || (children.has("<name>") && !spec?.openKeys)) {
        if (entry.node.kind !== "table") {
          diagnostics.push(
            diagnostic("HAM0702", nodeSpan(entry), { key: dotted(key), expected: `a table, \`[${dotted(key)}]\`` }),
          );
        } else if (children.has(key)) {
          visit(entry.node, [...path, key]);
        } else if (path.join(".") === "hamlet.emitters" && knownEmitters && !knownEmitters.includes(key)) {
          diagnostics.push(diagnostic("HAM0706", entry.keySpan, withSuggestion({ name: key }, key, knownEmitters)));
        } else {
          if (path.join(".") === "hamlet.emitters") emitterTables.push({ name: key, entry, table: entry.node });
          visit(entry.node, [...path, key]);
        }
      } else if (!spec?.openKeys) {
        const candidates = [
          ...(spec?.settings.map((s) => s.key) ?? []),
          ...[...children].filter((c) => c !== "<name>"),
        ];
        diagnostics.push(diagnostic("HAM0701", entry.keySpan, withSuggestion({ key: dotted(key) }, key, candidates)));
      }
    }
  };
  visit(parsed.root, []);

  const get = <T>(table: string, key: string): { value: T; entry: TomlEntry } | undefined =>
    values.get(table)?.get(key) as { value: T; entry: TomlEntry } | undefined;

  const schema = get<{ patterns: string[]; spans: Span[] }>("hamlet", "schema");
  if (schema) config.schema = { patterns: schema.value.patterns, spans: schema.value.spans };
  const out = get<string>("hamlet", "out");
  if (out) config.outDir = resolve(config.rootDir, out.value);

  const database = get<boolean>("hamlet.features", "database");
  const eventStore = get<boolean>("hamlet.features", "event_store");
  const databaseOn = database?.value ?? true;
  let eventStoreOn = eventStore?.value ?? databaseOn;
  if (eventStoreOn && !databaseOn) {
    diagnostics.push(diagnostic("HAM0705", eventStore ? nodeSpan(eventStore.entry) : undefined));
    eventStoreOn = false;
  }
  config.features = { database: databaseOn, eventStore: eventStoreOn };

  for (const { name, entry, table } of emitterTables) {
    const enabled = get<boolean>(`hamlet.emitters.${name}`, "enabled");
    const options: Record<string, EmitterOption> = {};
    for (const [key, option] of table.entries) {
      if (key === "enabled") continue;
      options[key] = { value: plainValue(option.node), span: option.keySpan, valueSpan: nodeSpan(option) };
    }
    config.emitters[name] = { enabled: enabled?.value ?? true, options, span: entry.keySpan };
  }

  const server = config.server;
  server.port = get<number>("hamlet.server", "port")?.value ?? server.port;
  server.host = get<string>("hamlet.server", "host")?.value ?? server.host;
  server.databaseUrl = get<string>("hamlet.server", "database_url")?.value ?? server.databaseUrl;
  server.sessionSecretEnv = get<string>("hamlet.server", "session_secret_env")?.value ?? server.sessionSecretEnv;
  server.tenant = get<TenantMode>("hamlet.server", "tenant")?.value ?? server.tenant;
  server.trustProxy = get<boolean>("hamlet.server", "trust_proxy")?.value ?? server.trustProxy;

  const failOn = get<{ patterns: DiffConfig["failOn"] }>("hamlet.diff", "fail_on");
  if (failOn) config.diff.failOn = failOn.value.patterns;
  const accept = get<{ patterns: string[] }>("hamlet.diff", "accept");
  if (accept)
    config.diff.accept = accept.value.patterns.map((text) => {
      const at = text.indexOf(":");
      return { kind: text.slice(0, at), path: text.slice(at + 1) };
    });

  diagnostics.sort((a, b) => (a.span?.start ?? -1) - (b.span?.start ?? -1));
  return { config, diagnostics };
}

const invalid = Symbol("invalid");

/**
 * The value of a setting when it has the right type, else `invalid` after reporting HAM0702.
 * A `strings` setting yields `{ patterns, spans }`.
 */
function checkValue(type: SettingType, entry: TomlEntry, key: string, diagnostics: Diagnostic[]): unknown {
  const fail = (span: Span): typeof invalid => {
    diagnostics.push(diagnostic("HAM0702", span, { key, expected: expectedText(type) }));
    return invalid;
  };
  const span = nodeSpan(entry);
  if (entry.node.kind !== "value") return fail(span);
  const node = entry.node.node;
  switch (type.kind) {
    case "boolean":
      return isValue(node, "boolean") ? node.value : fail(span);
    case "string":
      return isValue(node, "string") && (!type.pattern || type.pattern.test(node.value)) ? node.value : fail(span);
    case "integer":
      return isValue(node, "integer") && node.value >= type.min && node.value <= type.max ? node.value : fail(span);
    case "enum":
      return isValue(node, "string") && type.values.includes(node.value) ? node.value : fail(span);
    case "strings": {
      if (isValue(node, "string")) {
        if (type.values && !type.values.includes(node.value)) return fail(span);
        if (type.pattern && !type.pattern.test(node.value)) return fail(span);
        return { patterns: [node.value], spans: [span] };
      }
      if (node.type !== "TOMLArray") return fail(span);
      const patterns: string[] = [];
      const spans: Span[] = [];
      for (const element of node.elements) {
        const elementSpan: Span = { file: span.file, start: element.range[0], end: element.range[1] };
        if (!isValue(element, "string")) return fail(elementSpan);
        if (type.values && !type.values.includes(element.value)) return fail(elementSpan);
        if (type.pattern && !type.pattern.test(element.value)) return fail(elementSpan);
        patterns.push(element.value);
        spans.push(elementSpan);
      }
      return { patterns, spans };
    }
  }
}

function isValue<K extends AST.TOMLValue["kind"]>(
  node: AST.TOMLContentNode,
  kind: K,
): node is Extract<AST.TOMLValue, { kind: K }> {
  return node.type === "TOMLValue" && node.kind === kind;
}

function lowerFirst(text: string): string {
  const trimmed = text.replace(/\.$/, "");
  return trimmed.charAt(0).toLowerCase() + trimmed.slice(1);
}

export interface Overrides {
  /** From `--out`; relative to `cwd`. */
  out?: string | undefined;
  features?: Partial<Features> | undefined;
}

/**
 * Command-line flags over the configuration. Turning the database off also turns the event
 * store off unless the flags turn it on, which is HAM0705 (without a location).
 */
export function applyOverrides(
  config: HamletConfig,
  overrides: Overrides,
  cwd: string = process.cwd(),
): { config: HamletConfig; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const database = overrides.features?.database ?? config.features.database;
  let eventStore = overrides.features?.eventStore ?? (database ? config.features.eventStore : false);
  if (eventStore && !database) {
    diagnostics.push(diagnostic("HAM0705", undefined));
    eventStore = false;
  }
  return {
    config: {
      ...config,
      outDir: overrides.out !== undefined ? resolve(cwd, overrides.out) : config.outDir,
      features: { database, eventStore },
    },
    diagnostics,
  };
}
