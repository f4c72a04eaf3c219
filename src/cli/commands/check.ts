/** `hamletc check`: parse and check, write nothing. */
import { ExitCode } from "../exit-codes.js";
import type { ProjectOptions } from "../project.js";
import type { Reporter } from "../report.js";
import { compileProject } from "./compile-project.js";

export function runCheck(options: ProjectOptions, reporter: Reporter): ExitCode {
  const compiled = compileProject(options, reporter);
  if (typeof compiled === "number") return compiled;
  const { schema } = compiled.result;
  const count = schema ? schema.types.length + schema.endpoints.length + schema.models.length : 0;
  reporter.info(
    `Checked ${compiled.project.files.length} file${compiled.project.files.length === 1 ? "" : "s"}: no errors (${count} types, endpoints and models).`,
  );
  return ExitCode.ok;
}
