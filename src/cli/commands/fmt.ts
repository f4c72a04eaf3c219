/** `hamletc fmt`: rewrite schema files in the canonical style; `--check` only reports. */
import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { formatDocument } from "../../format/format.js";
import type { Diagnostic } from "../../diagnostics/types.js";
import { ExitCode } from "../exit-codes.js";
import { loadProject, type ProjectOptions } from "../project.js";
import type { Reporter } from "../report.js";

export interface FmtOptions extends ProjectOptions {
  readonly check?: boolean | undefined;
}

export function runFmt(options: FmtOptions, reporter: Reporter): ExitCode {
  const { project, diagnostics, sources: configSources } = loadProject(options);
  if (!project) {
    reporter.diagnostics(diagnostics, configSources);
    return ExitCode.usage;
  }
  const problems: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const unformatted: string[] = [];
  let failed = false;
  for (const file of project.files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      process.stderr.write(`hamletc fmt: cannot read ${relative(process.cwd(), file)}: ${(error as Error).message}\n`);
      failed = true;
      continue;
    }
    sources.set(file, text);
    const result = formatDocument(text, file);
    problems.push(...result.diagnostics);
    if (result.output === undefined) {
      failed = true;
      continue;
    }
    if (result.output === text) continue;
    unformatted.push(file);
    if (!options.check) writeFileSync(file, result.output);
  }
  reporter.diagnostics(problems, sources);
  const names = unformatted.map((f) => relative(process.cwd(), f));
  if (options.check) {
    for (const name of names) reporter.info(`not formatted: ${name}`);
    if (names.length > 0) reporter.info("Run `hamletc fmt` to format them.");
    return names.length > 0 || failed ? ExitCode.failed : ExitCode.ok;
  }
  reporter.info(`Formatted ${names.length} of ${project.files.length} file${project.files.length === 1 ? "" : "s"}.`);
  return failed ? ExitCode.failed : ExitCode.ok;
}
