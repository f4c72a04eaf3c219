/**
 * `hamletc diff OLD NEW` / `hamletc diff --against git:REF [NEW]`: every change between two
 * versions of a schema with its verdict for the wire, generated source and the database. Exit 1
 * when a change breaks an audience of `--fail-on` and is not accepted in `[hamlet.diff]`.
 */
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { findConfig, loadConfig, type HamletConfig } from "../../config/index.js";
import { builtinEmitterNames } from "../../../emitters/index.js";
import { diffVersions } from "../../diff/diff.js";
import { loadGit, loadPath, type LoadedVersion } from "../../diff/load.js";
import { audiences, type Audience } from "../../diff/model.js";
import { defaultFailOn, failingChanges, type DiffPolicy } from "../../diff/policy.js";
import { renderHuman, toJson } from "../../diff/render.js";
import { ExitCode } from "../exit-codes.js";
import type { Reporter } from "../report.js";

export interface DiffOptions {
  readonly old?: string | undefined;
  readonly new?: string | undefined;
  readonly against?: string | undefined;
  readonly failOn?: string | undefined;
  readonly config?: string | undefined;
}

const usage = (message: string): ExitCode => {
  process.stderr.write(`error: ${message}\n`);
  return ExitCode.usage;
};

export function runDiff(options: DiffOptions, reporter: Reporter, cwd = process.cwd()): ExitCode {
  const configPath = options.config ? resolve(cwd, options.config) : findConfig(cwd);
  let config: HamletConfig | undefined;
  if (configPath) {
    const loaded = loadConfig(configPath, builtinEmitterNames);
    if (!loaded.config || loaded.diagnostics.some((d) => d.severity === "error")) {
      let text = "";
      try {
        text = readFileSync(configPath, "utf8");
      } catch {
        // loadConfig reported it.
      }
      reporter.diagnostics(loaded.diagnostics, new Map([[configPath, text]]));
      reporter.flush();
      return ExitCode.usage;
    }
    config = loaded.config;
  }
  let failOn: readonly Audience[] = config?.diff.failOn ?? defaultFailOn;
  if (options.failOn !== undefined) {
    const names = options.failOn
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = names.filter((n) => !(audiences as readonly string[]).includes(n));
    if (unknown.length > 0 || names.length === 0)
      return usage(`--fail-on takes a comma-separated list of wire, source and database, not '${options.failOn}'`);
    failOn = names as Audience[];
  }
  const policy: DiffPolicy = { failOn, accepted: config?.diff.accept ?? [] };

  const oldArg = options.against ?? options.old;
  const newArg = options.against !== undefined ? options.old : options.new;
  if (oldArg === undefined) return usage("give two versions (hamletc diff OLD NEW) or --against git:REF");
  if (options.against !== undefined && options.new !== undefined)
    return usage("with --against, give at most one version to compare it with");
  const side = (arg: string | undefined): LoadedVersion => {
    if (arg !== undefined && arg.startsWith("git:")) {
      if (!config)
        return {
          version: undefined,
          diagnostics: [],
          sources: new Map(),
          usageError: `${arg}: needs a project (hamlet.toml) to know which files are the schema`,
        };
      return loadGit(arg.slice(4), config);
    }
    if (arg !== undefined) return loadPath(arg, cwd);
    if (!config)
      return {
        version: undefined,
        diagnostics: [],
        sources: new Map(),
        usageError: "no hamlet.toml here: give the new version as a path",
      };
    return loadPath(config.file!, cwd, relative(cwd, config.rootDir) || ".");
  };
  const before = side(oldArg);
  if (before.usageError) return usage(before.usageError);
  const after = side(newArg);
  if (after.usageError) return usage(after.usageError);
  reporter.diagnostics([...before.diagnostics, ...after.diagnostics], new Map([...before.sources, ...after.sources]));
  if (!before.version || !after.version) {
    reporter.flush();
    process.stderr.write(`error: cannot compare: ${!before.version ? oldArg : (newArg ?? ".")} has schema errors\n`);
    return ExitCode.usage;
  }
  const changes = diffVersions(before.version, after.version);
  const failing = failingChanges(changes, policy);
  if (reporter.format === "json")
    process.stdout.write(
      `${JSON.stringify(toJson(changes, before.version, after.version, policy, failing.length > 0, cwd), null, 2)}\n`,
    );
  else {
    const color = !process.env["NO_COLOR"] && process.stdout.isTTY === true;
    process.stdout.write(`${renderHuman(changes, before.version, after.version, policy, { color, cwd })}\n`);
    process.stdout.write(
      failing.length > 0
        ? `\n${failing.length} change${failing.length === 1 ? "" : "s"} break${failing.length === 1 ? "s" : ""} ${failOn.join(" or ")}: failing.\n`
        : `\nNothing breaks ${failOn.join(" or ")}.\n`,
    );
  }
  return failing.length > 0 ? ExitCode.failed : ExitCode.ok;
}
