/**
 * Loading one side of a comparison: a schema file, a folder (its hamlet.toml, or every
 * `.hamlet` file under it), or `git:REF`, the current project as committed at REF, read with
 * `git ls-tree` and `git show` (no checkout).
 */
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { globSync } from "tinyglobby";
import { builtinEmitterNames } from "../../emitters/index.js";
import { defaultConfig, loadConfig, resolveSchemaFiles, type HamletConfig } from "../config/index.js";
import { CONFIG_FILE_NAME } from "../config/schema.js";
import type { Diagnostic } from "../diagnostics/types.js";
import type { CompilerHost } from "../program/host.js";
import { compile } from "../program/compile.js";
import type { Version } from "./model.js";

export interface LoadedVersion {
  readonly version: Version | undefined;
  readonly diagnostics: Diagnostic[];
  readonly sources: ReadonlyMap<string, string>;
  /** Set when the argument itself is unusable (a usage error, exit 2). */
  readonly usageError?: string;
}

/** Entries and features of a path argument. */
function entriesOf(path: string): { entries: string[]; config: HamletConfig; diagnostics: Diagnostic[] } | string {
  if (!existsSync(path)) return `${path}: no such file or folder`;
  if (statSync(path).isFile()) {
    if (path.endsWith(CONFIG_FILE_NAME)) return projectEntries(path);
    return { entries: [path], config: defaultConfig(resolve(path, "..")), diagnostics: [] };
  }
  const toml = join(path, CONFIG_FILE_NAME);
  if (existsSync(toml)) return projectEntries(toml);
  const entries = globSync(["**/*.hamlet"], {
    cwd: path,
    absolute: true,
    ignore: ["**/node_modules/**", "**/.git/**"],
  }).sort();
  if (entries.length === 0) return `${path}: no .hamlet files in this folder`;
  return { entries, config: defaultConfig(path), diagnostics: [] };
}

function projectEntries(toml: string): { entries: string[]; config: HamletConfig; diagnostics: Diagnostic[] } | string {
  const loaded = loadConfig(toml, builtinEmitterNames);
  if (!loaded.config) return `${toml}: ${loaded.diagnostics[0]?.message ?? "cannot be read"}`;
  const files = resolveSchemaFiles(loaded.config);
  return { entries: files.files, config: loaded.config, diagnostics: [...loaded.diagnostics, ...files.diagnostics] };
}

export function loadPath(arg: string, cwd = process.cwd(), label = arg): LoadedVersion {
  const path = resolve(cwd, arg);
  const found = entriesOf(path);
  if (typeof found === "string") return { version: undefined, diagnostics: [], sources: new Map(), usageError: found };
  const result = compile({ entries: found.entries, features: found.config.features });
  const diagnostics = [...found.diagnostics, ...result.diagnostics];
  if (!result.schema) return { version: undefined, diagnostics, sources: result.sources };
  return {
    version: {
      label,
      schema: result.schema,
      documents: result.documents,
      sources: result.sources,
      root: found.config.rootDir,
    },
    diagnostics,
    sources: result.sources,
  };
}

/**
 * The project of `config` as committed at `ref`: the files its `schema` globs match in that
 * commit, compiled from `git show` output. File names are the working-tree paths.
 */
export function loadGit(ref: string, config: HamletConfig): LoadedVersion {
  const git = (args: string[]): string =>
    execFileSync("git", args, {
      cwd: config.rootDir,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  let top: string;
  let names: string[];
  try {
    top = git(["rev-parse", "--show-toplevel"]).trim();
    git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    names = git(["ls-tree", "-r", "--name-only", "--full-tree", ref]).split("\n").filter(Boolean);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    return {
      version: undefined,
      diagnostics: [],
      sources: new Map(),
      usageError: `git:${ref}: ${stderr || "not a commit of this repository"}`,
    };
  }
  const patterns = config.schema.patterns.map(globRegExp);
  const files = new Map<string, string>();
  for (const name of names) {
    const absolute = join(top, name);
    const local = relative(config.rootDir, absolute).split(sep).join("/");
    if (local.startsWith("..") || !patterns.some((p) => p.test(local))) continue;
    files.set(absolute, git(["show", `${ref}:${name}`]));
  }
  if (files.size === 0)
    return {
      version: undefined,
      diagnostics: [],
      sources: new Map(),
      usageError: `git:${ref}: no file matches ${config.schema.patterns.join(", ")} in that commit`,
    };
  const host: CompilerHost = {
    readFile: (p) => {
      const text = files.get(p);
      return text === undefined ? { error: `no such file in ${ref}` } : { text };
    },
  };
  const result = compile({ entries: [...files.keys()].sort(), features: config.features, host });
  if (!result.schema) return { version: undefined, diagnostics: result.diagnostics, sources: result.sources };
  return {
    version: {
      label: `git:${ref}`,
      schema: result.schema,
      documents: result.documents,
      sources: result.sources,
      root: config.rootDir,
    },
    diagnostics: result.diagnostics,
    sources: result.sources,
  };
}

/** A schema glob (`*`, `**`, `?`, `{a,b}`) as a regular expression over `/`-separated paths. */
export function globRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      out += glob[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += glob[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else if (c === "{") out += "(?:";
    else if (c === "}") out += ")";
    else if (c === ",") out += "|";
    else out += c.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^(?:\\./)?${out}$`);
}
