/**
 * The `hamletc` command line. Exit codes: 0 success (warnings allowed), 1 schema errors,
 * unformatted files or stale output, 2 usage, configuration or internal errors.
 */
import { Command, CommanderError, Option } from "commander";
import { builtinEmitters } from "../../emitters/index.js";
import { configReferenceText } from "../config/index.js";
import { runBuild } from "./commands/build.js";
import { runCheck } from "./commands/check.js";
import { runFmt } from "./commands/fmt.js";
import { runInit } from "./commands/init.js";
import { watchBuild } from "./commands/watch.js";
import { ExitCode } from "./exit-codes.js";
import { createReporter, type OutputFormat } from "./report.js";

const VERSION = "0.1.0";

interface CommonFlags {
  config?: string;
  format: OutputFormat;
  database?: string;
  eventStore?: string;
}

function onOff(value: string | undefined, flag: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (["on", "true", "yes", "1"].includes(value)) return true;
  if (["off", "false", "no", "0"].includes(value)) return false;
  throw new CommanderError(ExitCode.usage, "hamletc.invalidArgument", `error: ${flag} takes on or off, not '${value}'`);
}

function common(command: Command): Command {
  return command
    .option("-c, --config <path>", "use this hamlet.toml instead of searching upwards from the current folder")
    .addOption(new Option("--format <format>", "how to print diagnostics").choices(["human", "json"]).default("human"))
    .option("--database <on|off>", "override [hamlet.features] database")
    .option("--event-store <on|off>", "override [hamlet.features] event_store");
}

function projectOptions(files: string[], flags: CommonFlags) {
  return {
    files,
    config: flags.config,
    database: onOff(flags.database, "--database"),
    eventStore: onOff(flags.eventStore, "--event-store"),
  };
}

function emitterHelp(): string {
  const lines = ["", "Emitters (all on unless [hamlet.emitters.<name>] enabled = false):"];
  for (const e of builtinEmitters) {
    lines.push(`  ${e.name.padEnd(12)} ${e.description}`);
    for (const [key, spec] of Object.entries(e.options)) lines.push(`    ${key} (${spec.type}, default ${JSON.stringify(spec.default)}): ${spec.description}`);
  }
  return lines.join("\n");
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command("hamletc")
    .description("Compile .hamlet schemas into Elm, TypeScript, SQL and OpenAPI.")
    .version(VERSION)
    .showHelpAfterError()
    // Before the sub-commands are added, so that they inherit it: usage errors must exit 2, not 1.
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .addHelpText("after", `\nExit codes: 0 success (warnings allowed); 1 schema errors, unformatted files or stale output; 2 usage, configuration or internal error.\n\nhamlet.toml settings:\n${configReferenceText()}`);

  common(program.command("check"))
    .description("Parse and check schema files; write nothing.")
    .argument("[files...]", "schema files (default: the schema globs of hamlet.toml)")
    .action((files: string[], flags: CommonFlags) => {
      const reporter = createReporter(flags.format);
      setExit(runCheck(projectOptions(files, flags), reporter));
      reporter.flush();
    });

  common(program.command("build"))
    .description("Check schema files and write the output of every enabled emitter.")
    .argument("[files...]", "schema files (default: the schema globs of hamlet.toml)")
    .option("-o, --out <dir>", "output folder (overrides [hamlet] out)")
    .option("--check", "write nothing; exit 1 if the files on disk differ from what would be generated")
    .option("-w, --watch", "rebuild whenever a schema file or hamlet.toml changes")
    .addHelpText("after", emitterHelp())
    .action(async (files: string[], flags: CommonFlags & { out?: string; check?: boolean; watch?: boolean }) => {
      const reporter = createReporter(flags.format);
      const options = { ...projectOptions(files, flags), out: flags.out, check: flags.check };
      if (flags.watch) await watchBuild(options, reporter);
      setExit(await runBuild(options, reporter));
      reporter.flush();
    });

  common(program.command("fmt"))
    .description("Format schema files in the canonical style (comments are kept).")
    .argument("[files...]", "schema files (default: the schema globs of hamlet.toml)")
    .option("--check", "write nothing; exit 1 if any file is not formatted")
    .action((files: string[], flags: CommonFlags & { check?: boolean }) => {
      const reporter = createReporter(flags.format);
      setExit(runFmt({ ...projectOptions(files, flags), check: flags.check }, reporter));
      reporter.flush();
    });

  program
    .command("init")
    .description("Create a starter project (hamlet.toml and schema/app.hamlet) that builds at once.")
    .argument("[dir]", "folder to create it in", ".")
    .action((dir: string) => setExit(runInit(dir, createReporter("human"))));

  return program;
}

/** Runs the CLI and returns the exit code (the launcher sets `process.exitCode`). */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return ExitCode.ok;
      if (error.code === "hamletc.invalidArgument") process.stderr.write(`${error.message}\n`);
      return ExitCode.usage;
    }
    process.stderr.write(`hamletc: internal error: ${(error as Error).stack ?? String(error)}\nPlease report this with the schema that caused it.\n`);
    return ExitCode.usage;
  }
  return code;
}
