/** Shared by `check` and `build`: load the project, compile it, report diagnostics. */
import { namingOf } from "../../../emitters/naming.js";
import { emitterEnabled } from "../../config/index.js";
import { compile, type CompileResult } from "../../program/compile.js";
import { nodeHost } from "../../program/host.js";
import type { CompileCache } from "../../program/compile-cache.js";
import { ExitCode } from "../exit-codes.js";
import { loadProject, type Project, type ProjectOptions } from "../project.js";
import type { Reporter } from "../report.js";

export interface CompiledProject {
  readonly project: Project;
  readonly result: CompileResult;
  readonly sources: Map<string, string>;
}

/**
 * Returns the compiled project, or the exit code to stop with. `cache` (watch mode) keeps parsed
 * files and lowered declarations between runs, so only what changed is parsed and checked again.
 */
export function compileProject(
  options: ProjectOptions,
  reporter: Reporter,
  cache?: CompileCache,
): CompiledProject | ExitCode {
  const { project, diagnostics, sources: configSources } = loadProject(options);
  if (!project) {
    reporter.diagnostics(diagnostics, configSources);
    return ExitCode.usage;
  }
  const naming = namingOf((emitter) => emitterEnabled(project.config, emitter));
  const result = compile({
    entries: project.files,
    features: project.config.features,
    naming,
    ...(cache ? { host: cache.host(nodeHost), lowered: cache.lowered } : {}),
  });
  const sources = new Map([...project.sources, ...result.sources]);
  reporter.diagnostics([...diagnostics, ...result.diagnostics], sources);
  if (!result.schema) return ExitCode.failed;
  return { project, result, sources };
}
