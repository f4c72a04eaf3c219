/** `hamletc build`: check, run the enabled emitters, write (or with `--check`, compare) the output. */
import { relative } from "node:path";
import { loadEmitters } from "../../../emitters/index.js";
import { emitterEnabled } from "../../config/index.js";
import { runEmitters } from "../../emit/run.js";
import { compareOutputs, writeOutputs } from "../../emit/write.js";
import { ExitCode } from "../exit-codes.js";
import type { ParseCache } from "../../program/parse-cache.js";
import type { ProjectOptions } from "../project.js";
import type { Reporter } from "../report.js";
import { compileProject } from "./compile-project.js";

export interface BuildOptions extends ProjectOptions {
  /** Compare with the files on disk instead of writing. */
  readonly check?: boolean | undefined;
}

export async function runBuild(options: BuildOptions, reporter: Reporter, parsed?: ParseCache): Promise<ExitCode> {
  const compiled = compileProject(options, reporter, parsed);
  if (typeof compiled === "number") return compiled;
  const { project, result, sources } = compiled;
  const config = project.config;
  const selections = (await loadEmitters((name) => emitterEnabled(config, name))).map((emitter) => ({
    emitter,
    options: config.emitters[emitter.name]?.options ?? {},
  }));
  const emitted = await runEmitters(result.schema!, selections, config.outDir);
  reporter.diagnostics(emitted.diagnostics, sources);
  if (emitted.diagnostics.some((d) => d.severity === "error"))
    return emitted.diagnostics.some((d) => d.code === "HAM0801" || d.code === "HAM0802")
      ? ExitCode.usage
      : ExitCode.failed;
  const out = relative(process.cwd(), config.outDir) || ".";
  if (options.check) {
    const stale = compareOutputs(config.outDir, emitted.files);
    if (stale.differing.length === 0 && stale.extra.length === 0) {
      reporter.info(`${out} is up to date (${emitted.files.length} files).`);
      return ExitCode.ok;
    }
    for (const f of stale.differing) reporter.info(`stale: ${out}/${f}`);
    for (const f of stale.extra) reporter.info(`no longer generated: ${out}/${f}`);
    reporter.info(`${out} is out of date: run \`hamletc build\` and commit the result.`);
    return ExitCode.failed;
  }
  const written = writeOutputs(config.outDir, emitted.files);
  reporter.info(
    `Built ${emitted.files.length} file${emitted.files.length === 1 ? "" : "s"} into ${out} (${written.written.length} written, ${written.unchanged.length} unchanged${written.removed.length ? `, ${written.removed.length} removed` : ""}).`,
  );
  return ExitCode.ok;
}
