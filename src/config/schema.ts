/**
 * The one description of `hamlet.toml`: every table, every key, its type, default and meaning.
 *
 * Validation (`load.ts`) reads defaults and types from here, and `hamletc --help` and README.md
 * print it with `configReferenceText` / `configReferenceMarkdown`. To add a setting, add a row
 * here and map it onto `HamletConfig` in `load.ts`.
 */

/** The file name looked for by `findConfig`. */
export const CONFIG_FILE_NAME = "hamlet.toml";

/** The type of a setting's value. */
export type SettingType =
  | { readonly kind: "boolean" }
  | {
      readonly kind: "string";
      /** When set, the value must match; `expected` then says what is accepted. */
      readonly pattern?: RegExp;
      readonly expected?: string;
    }
  /**
   * A string or an array of strings. `values`, when set, lists the strings allowed; `pattern`,
   * when set, each string must match (`expected` then says what is accepted).
   */
  | {
      readonly kind: "strings";
      readonly values?: readonly string[];
      readonly pattern?: RegExp;
      readonly expected?: string;
    }
  | { readonly kind: "integer"; readonly min: number; readonly max: number }
  | { readonly kind: "enum"; readonly values: readonly string[] };

export type SettingValue = string | number | boolean | readonly string[];

export interface SettingSpec {
  /** The key inside its table, as written in hamlet.toml. */
  readonly key: string;
  readonly type: SettingType;
  readonly default: SettingValue;
  /** How to show the default when it is not simply `default` (shown in docs only). */
  readonly defaultText?: string;
  /** One line. */
  readonly description: string;
}

export interface TableSpec {
  /** Dotted table path; `<name>` stands for any key (one table per emitter). */
  readonly path: string;
  /** One line. */
  readonly description: string;
  readonly settings: readonly SettingSpec[];
  /** Keys other than `settings` are allowed and passed on raw (emitter options). */
  readonly openKeys?: boolean;
}

export const configSchema: readonly TableSpec[] = [
  {
    path: "hamlet",
    description: "The project: where the schema is and where the output goes.",
    settings: [
      {
        key: "schema",
        type: { kind: "strings" },
        default: ["schema/*.hamlet"],
        description: "Schema files: a glob or an array of globs, relative to hamlet.toml.",
      },
      {
        key: "out",
        type: { kind: "string", pattern: /\S/, expected: "a folder name (a non-empty string)" },
        default: "generated",
        description: "Output folder, relative to hamlet.toml.",
      },
    ],
  },
  {
    path: "hamlet.features",
    description: "What the generated server may use.",
    settings: [
      {
        key: "database",
        type: { kind: "boolean" },
        default: true,
        description: "Models, migrations, KV and sessions stored in the database.",
      },
      {
        key: "event_store",
        type: { kind: "boolean" },
        default: true,
        defaultText: "true (false when database is off)",
        description: "Durable events, workflows and scheduling; needs database.",
      },
    ],
  },
  {
    path: "hamlet.emitters.<name>",
    description: "One table per emitter; emitters not listed are enabled. Other keys are the emitter's options.",
    openKeys: true,
    settings: [
      {
        key: "enabled",
        type: { kind: "boolean" },
        default: true,
        description: "Whether this emitter runs.",
      },
    ],
  },
  {
    path: "hamlet.server",
    description: "How runtime-node starts the server (`loadProjectConfig`, or `createHamletServer` without `config`).",
    settings: [
      {
        key: "port",
        type: { kind: "integer", min: 0, max: 65535 },
        default: 8080,
        description: "TCP port the server listens on (0 picks a free port); `PORT` overrides it.",
      },
      {
        key: "host",
        type: { kind: "string", pattern: /\S/, expected: "a host name or address (a non-empty string)" },
        default: "127.0.0.1",
        description: "Address the server listens on; `HOST` overrides it.",
      },
      {
        key: "database_url",
        type: {
          kind: "string",
          pattern: /^(sqlite:.+|postgres(ql)?:\/\/.+)$/,
          expected: "a URL starting with `sqlite:` or `postgres://`",
        },
        default: "sqlite:.hamlet/app.db",
        description:
          "Database: sqlite:PATH (relative to hamlet.toml) or postgres://...; `DATABASE_URL` overrides it for the server, `--database` for `hamletc migrate`.",
      },
      {
        key: "session_secret_env",
        type: {
          kind: "string",
          pattern: /^[A-Za-z_][A-Za-z0-9_]*$/,
          expected: "the name of an environment variable (letters, digits and `_`)",
        },
        default: "HAMLET_SESSION_SECRET",
        description:
          "Name of the environment variable holding the session secret (≥ 32 bytes; required when NODE_ENV=production).",
      },
      {
        key: "tenant",
        type: { kind: "enum", values: ["single", "host", "header"] },
        default: "single",
        description: "How requests find their tenant: one tenant, by Host header, or by X-Tenant header.",
      },
      {
        key: "trust_proxy",
        type: { kind: "boolean" },
        default: false,
        description:
          "Trust X-Forwarded-* from a TLS-terminating proxy (session cookies become Secure behind it); `HAMLET_TRUST_PROXY` overrides it. Only when clients cannot reach the server directly.",
      },
    ],
  },
  {
    path: "hamlet.uploads",
    description:
      "Where runtime-node keeps uploaded files (`loadProjectConfig` → `config.uploads`; `registerUploads` uses it).",
    settings: [
      {
        key: "storage",
        type: { kind: "enum", values: ["local", "s3"] },
        default: "local",
        description: "`local` files under `dir`, or an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO).",
      },
      {
        key: "dir",
        type: { kind: "string", pattern: /\S/, expected: "a folder (a non-empty string)" },
        default: ".hamlet/uploads",
        description: "Folder of local uploads, relative to hamlet.toml.",
      },
      {
        key: "s3_bucket",
        type: { kind: "string", pattern: /^\S*$/, expected: "a bucket name (empty: none)" },
        default: "",
        defaultText: "none (required for s3)",
        description:
          "Bucket of S3 uploads; credentials come from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` or the SDK's chain.",
      },
      {
        key: "s3_endpoint",
        type: { kind: "string", pattern: /^(https?:\/\/\S+)?$/, expected: "an http:// or https:// URL (empty: AWS)" },
        default: "",
        defaultText: "AWS",
        description: "Endpoint of an S3-compatible service, such as `https://<account>.r2.cloudflarestorage.com`.",
      },
      {
        key: "s3_region",
        type: { kind: "string", pattern: /\S/, expected: "a region name (a non-empty string)" },
        default: "auto",
        description: "Region of the bucket (`auto` suits R2; AWS needs the bucket's region).",
      },
      {
        key: "s3_prefix",
        type: { kind: "string", pattern: /^\S*$/, expected: "a key prefix without spaces" },
        default: "",
        defaultText: "none",
        description: "Prefix of every object key (for example `uploads/`).",
      },
      {
        key: "s3_force_path_style",
        type: { kind: "boolean" },
        default: false,
        description: "Path-style URLs (`endpoint/bucket/key`), needed by MinIO and s3rver.",
      },
    ],
  },
  {
    path: "hamlet.events",
    description:
      "How runtime-node keeps the event store (`loadProjectConfig` → `config.events`; `registerEvents` uses it).",
    settings: [
      {
        key: "retention",
        type: {
          kind: "string",
          pattern: /^(off|[1-9]\d*(ms|s|m|h|d))$/,
          expected: 'a duration such as `"7d"`, `"12h"`, `"30m"` or `"90s"`, or `"off"` to keep everything',
        },
        default: "7d",
        description:
          "Age after which completed events and finished workflow runs are deleted (hourly, dead letters stay); `off` keeps them.",
      },
    ],
  },
  {
    path: "hamlet.diff",
    description: "What `hamletc diff` fails on.",
    settings: [
      {
        key: "fail_on",
        type: { kind: "strings", values: ["wire", "source", "database"] },
        default: ["wire", "database"],
        description: "Audiences whose breaking changes make `hamletc diff` exit 1 (`--fail-on` overrides).",
      },
      {
        key: "accept",
        type: {
          kind: "strings",
          pattern: /^[a-z_.]+:\S+$/,
          expected: 'a string or an array of `kind:path` strings, such as `"field.removed:Post.body"`',
        },
        default: [],
        description: "Changes accepted on purpose, as `kind:path` (from `hamletc diff` output); they never fail.",
      },
    ],
  },
];

/** The table spec with exactly this path (`<name>` in the spec matches any segment). */
export function tableSpec(path: readonly string[]): TableSpec | undefined {
  return configSchema.find((t) => matches(t.path.split("."), path, true));
}

/**
 * The keys that may name sub-tables of `path`: literal names, and `<name>` when any name is
 * allowed.
 */
export function childTables(path: readonly string[]): Set<string> {
  const children = new Set<string>();
  for (const t of configSchema) {
    const segments = t.path.split(".");
    if (segments.length > path.length && matches(segments, path, false)) children.add(segments[path.length]!);
  }
  return children;
}

function matches(spec: readonly string[], path: readonly string[], exact: boolean): boolean {
  if (exact ? spec.length !== path.length : spec.length < path.length) return false;
  return path.every((segment, i) => spec[i] === "<name>" || spec[i] === segment);
}

/** One setting of the table, which must exist: a typo here is a bug in Hamlet. */
export function settingSpec(table: string, key: string): SettingSpec {
  const found = configSchema.find((t) => t.path === table)?.settings.find((s) => s.key === key);
  if (!found) throw new Error(`hamlet.toml schema has no setting ${table}.${key}`);
  return found;
}

/** The default of one setting, typed by the caller. */
export function settingDefault<T extends SettingValue>(table: string, key: string): T {
  return settingSpec(table, key).default as T;
}

/** What a value of this type must be, completing "The setting `x` must be ...". */
export function expectedText(type: SettingType): string {
  switch (type.kind) {
    case "boolean":
      return "`true` or `false`";
    case "string":
      return type.expected ?? "a string";
    case "strings":
      if (type.values) return `one of ${type.values.map((v) => `\`"${v}"\``).join(", ")}, or an array of them`;
      return type.expected ?? "a string or an array of strings";
    case "integer":
      return `an integer from ${type.min} to ${type.max}`;
    case "enum": {
      const quoted = type.values.map((v) => `\`"${v}"\``);
      return quoted.length === 1 ? `${quoted[0]}` : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
    }
  }
}

/** A short type name for reference docs. */
export function typeLabel(type: SettingType): string {
  switch (type.kind) {
    case "boolean":
      return "boolean";
    case "string":
      return "string";
    case "strings":
      return "string | string[]";
    case "integer":
      return `integer ${type.min}..${type.max}`;
    case "enum":
      return type.values.map((v) => `"${v}"`).join(" | ");
  }
}

/** A default written as TOML. */
export function tomlLiteral(value: SettingValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(", ")}]`;
  return String(value);
}

/** The settings as an annotated hamlet.toml, for `--help` and `hamletc init`. */
export function configReferenceText(): string {
  const lines: string[] = [];
  for (const table of configSchema) {
    if (lines.length > 0) lines.push("");
    lines.push(`[${table.path}]  # ${table.description}`);
    const rows = table.settings.map(
      (s) =>
        [
          `${s.key} = ${tomlLiteral(s.default)}`,
          `# ${typeLabel(s.type)}. ${s.description}${s.defaultText ? ` Default: ${s.defaultText}.` : ""}`,
        ] as const,
    );
    const width = Math.max(...rows.map(([left]) => left.length));
    for (const [left, right] of rows) lines.push(`${left.padEnd(width)}  ${right}`);
  }
  return lines.join("\n") + "\n";
}

/** The settings as a Markdown table, for README.md. */
export function configReferenceMarkdown(): string {
  const lines = ["| key | type | default | description |", "|---|---|---|---|"];
  const cell = (s: string): string => s.replace(/\|/g, "\\|");
  for (const table of configSchema) {
    lines.push(`| **[${table.path}]** | | | ${cell(table.description)} |`);
    for (const s of table.settings) {
      lines.push(
        `| \`${s.key}\` | ${cell(typeLabel(s.type))} | \`${cell(s.defaultText ?? tomlLiteral(s.default))}\` | ${cell(s.description)} |`,
      );
    }
  }
  return lines.join("\n") + "\n";
}
