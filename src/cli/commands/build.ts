/** `hamletc build`: check, run the enabled emitters, write (or with `--check`, compare) the output. */
import { relative } from "node:path";
import { loadEmitters } from "../../../emitters/index.js";
import { emitterEnabled, type HamletConfig } from "../../config/index.js";
import { collectAfterLargeText } from "../../emit/large-text.js";
import { emitEach } from "../../emit/run.js";
import { OutputComparison, StagedOutput } from "../../emit/write.js";
import type { Diagnostic } from "../../diagnostics/types.js";
import type { Schema } from "../../schema/types.js";
import { ExitCode } from "../exit-codes.js";
import { collectGarbageIfLarge, ONE_SHOT_HEAP } from "../../program/memory.js";
import type { CompileCache } from "../../program/compile-cache.js";
import type { ProjectOptions } from "../project.js";
import type { Reporter } from "../report.js";
import { compileProject } from "./compile-project.js";

export interface BuildOptions extends ProjectOptions {
  /** Compare with the files on disk instead of writing. */
  readonly check?: boolean | undefined;
}

interface Checked {
  readonly schema: Schema;
  readonly config: HamletConfig;
  readonly sources: Map<string, string>;
}

/** Only what emitting needs: the parsed documents are not kept alive while the emitters run. */
function checked(options: BuildOptions, reporter: Reporter, cache?: CompileCache): Checked | ExitCode {
  const compiled = compileProject(options, reporter, cache);
  if (typeof compiled === "number") return compiled;
  return { schema: compiled.result.schema!, config: compiled.project.config, sources: compiled.sources };
}

export async function runBuild(options: BuildOptions, reporter: Reporter, cache?: CompileCache): Promise<ExitCode> {
  const compiled = checked(options, reporter, cache);
  if (typeof compiled === "number") return compiled;
  const { schema, config, sources } = compiled;
  collectGarbageIfLarge(); // the parse garbage of a large schema, before the emitters allocate
  const selections = (await loadEmitters((name) => emitterEnabled(config, name))).map((emitter) => ({
    emitter,
    options: config.emitters[emitter.name]?.options ?? {},
  }));
  const out = relative(process.cwd(), config.outDir) || ".";
  // Each emitter's files are written (or compared) as soon as it is done, then let go.
  const comparison = options.check ? new OutputComparison(config.outDir) : undefined;
  const staged = options.check ? undefined : new StagedOutput(config.outDir, cache?.outputs);
  let count = 0;
  let diagnostics: Diagnostic[];
  try {
    // Watch mode (a cache kept between builds) reuses what emitters printed from unchanged declarations.
    diagnostics = await emitEach(
      schema,
      selections,
      config.outDir,
      (files) => {
        count += files.length;
        // A large file's text may still be pieces the writer joins (OpenAPI's 21 MB at 5,000
        // records): the emitter's garbage goes first, so the heap does not grow for the copy.
        if (!cache) collectAfterLargeText(files.reduce((longest, f) => Math.max(longest, f.content.length), 0));
        (comparison ?? staged!).add(files);
      },
      cache?.emitted,
      // The previous emitter's output is garbage once written; collected before the next emitter
      // allocates, V8 reuses its space instead of growing the heap (5,000 records: peak 417 -> 297 MB).
      // A one-shot build pays a full collection (tens of ms) per emitter once its heap passes 64 MB;
      // watch builds keep the larger threshold so a small project's rebuild never pays one.
      () => collectGarbageIfLarge(cache ? undefined : ONE_SHOT_HEAP),
    );
  } catch (error) {
    staged?.abort();
    throw error;
  }
  reporter.diagnostics(diagnostics, sources);
  if (diagnostics.some((d) => d.severity === "error")) {
    staged?.abort();
    return diagnostics.some((d) => d.code === "HAM0801" || d.code === "HAM0802") ? ExitCode.usage : ExitCode.failed;
  }
  if (comparison) {
    const stale = comparison.report();
    if (stale.differing.length === 0 && stale.extra.length === 0) {
      reporter.info(`${out} is up to date (${count} files).`);
      return ExitCode.ok;
    }
    for (const f of stale.differing) reporter.info(`stale: ${out}/${f}`);
    for (const f of stale.extra) reporter.info(`no longer generated: ${out}/${f}`);
    reporter.info(`${out} is out of date: run \`hamletc build\` and commit the result.`);
    return ExitCode.failed;
  }
  const written = staged!.commit();
  reporter.info(
    `Built ${count} file${count === 1 ? "" : "s"} into ${out} (${written.written.length} written, ${written.unchanged.length} unchanged${written.removed.length ? `, ${written.removed.length} removed` : ""}).`,
  );
  return ExitCode.ok;
}
