/**
 * The `hamletc` command line. Exit codes: 0 success (warnings allowed), 1 schema errors,
 * unformatted files or stale output, 2 usage, configuration or internal errors.
 */
import { Command, CommanderError, Option } from "commander";
import type { AnyEmitter } from "../emit/types.js";
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

/** Options of every command that reads hamlet.toml and reports diagnostics. */
function configAndFormat(command: Command): Command {
  return command
    .option("-c, --config <path>", "use this hamlet.toml instead of searching upwards from the current folder")
    .addOption(new Option("--format <format>", "how to print diagnostics").choices(["human", "json"]).default("human"));
}

/** `configAndFormat` plus the feature overrides, for the commands that check a schema. */
function common(command: Command): Command {
  return configAndFormat(command)
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

/** Loaded only when help is asked for, so that every other command starts faster. */
interface HelpTexts {
  readonly emitters: readonly AnyEmitter[];
  readonly configReference: string;
}

function emitterHelp(help: HelpTexts | undefined): string {
  if (!help) return "";
  const lines = ["", "Emitters (all on unless [hamlet.emitters.<name>] enabled = false):"];
  for (const e of help.emitters) {
    lines.push(`  ${e.name.padEnd(12)} ${e.description}`);
    for (const [key, spec] of Object.entries(e.options))
      lines.push(`    ${key} (${spec.type}, default ${JSON.stringify(spec.default)}): ${spec.description}`);
  }
  return lines.join("\n");
}

function buildProgram(setExit: (code: number) => void, help: HelpTexts | undefined): Command {
  const program = new Command("hamletc")
    .description("Compile .hamlet schemas into Elm, TypeScript, SQL and OpenAPI.")
    .version(VERSION)
    // Before the sub-commands are added, so that they inherit it: usage errors must exit 2, not 1.
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .addHelpText(
      "after",
      `\nExit codes: 0 success (warnings allowed); 1 schema errors, unformatted files or stale output; 2 usage, configuration or internal error.${help ? `\n\nhamlet.toml settings:\n${help.configReference}` : ""}`,
    );

  common(program.command("check"))
    .description("Parse and check schema files; write nothing.")
    .argument("[files...]", "schema files (default: the schema globs of hamlet.toml)")
    .action(async (files: string[], flags: CommonFlags) => {
      const reporter = createReporter(flags.format);
      const { runCheck } = await import("./commands/check.js");
      setExit(runCheck(projectOptions(files, flags), reporter));
      reporter.flush();
    });

  common(program.command("build"))
    .description("Check schema files and write the output of every enabled emitter.")
    .argument("[files...]", "schema files (default: the schema globs of hamlet.toml)")
    .option("-o, --out <dir>", "output folder (overrides [hamlet] out)")
    .option("--check", "write nothing; exit 1 if the files on disk differ from what would be generated")
    .option("-w, --watch", "rebuild whenever a schema file or hamlet.toml changes")
    .addHelpText("after", emitterHelp(help))
    .action(async (files: string[], flags: CommonFlags & { out?: string; check?: boolean; watch?: boolean }) => {
      const reporter = createReporter(flags.format);
      const options = { ...projectOptions(files, flags), out: flags.out, check: flags.check };
      if (flags.watch) await (await import("./commands/watch.js")).watchBuild(options, reporter);
      const { runBuild } = await import("./commands/build.js");
      setExit(await runBuild(options, reporter));
      reporter.flush();
    });

  // Formatting does not depend on features, so fmt takes no --database/--event-store.
  configAndFormat(program.command("fmt"))
    .description("Format schema files in the canonical style (comments are kept).")
    .argument("[files...]", "schema files (default: the schema globs of hamlet.toml)")
    .option("--check", "write nothing; exit 1 if any file is not formatted")
    .action(async (files: string[], flags: CommonFlags & { check?: boolean }) => {
      const reporter = createReporter(flags.format);
      const { runFmt } = await import("./commands/fmt.js");
      setExit(runFmt({ ...projectOptions(files, flags), check: flags.check }, reporter));
      reporter.flush();
    });

  program
    .command("migrate")
    .description("Apply pending SQL migrations (from `hamletc build`, <out>/sql/<dialect>/) to a database, in order.")
    .option("-c, --config <path>", "use this hamlet.toml instead of searching upwards from the current folder")
    .option("--database <url>", "database URL (default: [hamlet.server] database_url)")
    .addOption(
      new Option("--dialect <dialect>", "which migrations to apply (default: the URL's)").choices([
        "sqlite",
        "postgres",
      ]),
    )
    .option("--dir <path>", "the sql output folder holding sqlite/ and postgres/ (default: <out>/sql)")
    .action(async (flags: { config?: string; database?: string; dialect?: "sqlite" | "postgres"; dir?: string }) => {
      const reporter = createReporter("human");
      const { runMigrate } = await import("./commands/migrate.js");
      setExit(await runMigrate(flags, reporter));
      reporter.flush();
    });

  const events = program
    .command("events")
    .description(
      "Inspect the event store of the configured database: dead letters (list, show, retry, discard) and workflow runs.",
    );
  const eventsCommand = (name: string, description: string, args: string[] = [], perTenant = true) => {
    const command = events.command(name).description(description);
    for (const arg of args) command.argument(`<${arg}>`);
    command
      .option("-c, --config <path>", "use this hamlet.toml instead of searching upwards from the current folder")
      .option("--database <url>", "database URL (default: [hamlet.server] database_url)");
    if (perTenant) command.option("--tenant <id>", "the tenant whose events to look at", "default");
    return command.addOption(
      new Option("--format <format>", "output format").choices(["text", "json"]).default("text"),
    );
  };
  type EventsFlags = { config?: string; database?: string; tenant: string; format: "text" | "json" };
  const runEventsAction = async (action: import("./commands/events.js").EventsAction, flags: EventsFlags) => {
    const { runEvents } = await import("./commands/events.js");
    setExit(await runEvents(action, flags, createReporter("human")));
  };
  const limit = (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new CommanderError(ExitCode.usage, "hamletc.invalidArgument", `error: --limit takes a positive integer`);
    return n;
  };
  eventsCommand("dead-letters", "List the tenant's dead letters, newest first, with their error history.")
    .option("--name <event>", "only this event (services: hamlet.service.<Service>)")
    .option("--limit <n>", "at most this many", limit)
    .action((flags: EventsFlags & { name?: string; limit?: number }) =>
      runEventsAction({ kind: "dead-letters", name: flags.name, limit: flags.limit }, flags),
    );
  eventsCommand("show", "Show one stored event: status, attempts, errors, payload.", ["event-id"]).action(
    (eventId: string, flags: EventsFlags) => runEventsAction({ kind: "show", eventId }, flags),
  );
  eventsCommand("retry", "Put a dead letter back: due now, attempts reset.", ["event-id"]).action(
    (eventId: string, flags: EventsFlags) => runEventsAction({ kind: "retry", eventId }, flags),
  );
  eventsCommand("discard", "Delete a dead letter.", ["event-id"]).action((eventId: string, flags: EventsFlags) =>
    runEventsAction({ kind: "discard", eventId }, flags),
  );
  eventsCommand("runs", "List the tenant's workflow runs, newest first.")
    .option("--workflow <name>", "only runs of this workflow")
    .option("--limit <n>", "at most this many", limit)
    .action((flags: EventsFlags & { workflow?: string; limit?: number }) =>
      runEventsAction({ kind: "runs", workflow: flags.workflow, limit: flags.limit }, flags),
    );
  eventsCommand(
    "run",
    "Show a workflow run: status, each step (attempts, errors, timings, output) and every event with its correlation id.",
    ["run-id"],
  ).action((runId: string, flags: EventsFlags) => runEventsAction({ kind: "run", runId }, flags));
  eventsCommand(
    "prune",
    "Delete completed events and finished workflow runs older than --older-than, in every tenant, in batches (the dispatcher's retention does this hourly); dead letters stay.",
    [],
    false,
  )
    .option("--older-than <duration>", "age of what is deleted: 7d, 12h, 30m, 90s", "7d")
    .action((flags: Omit<EventsFlags, "tenant"> & { olderThan: string }) =>
      runEventsAction({ kind: "prune", olderThan: flags.olderThan }, { ...flags, tenant: "default" }),
    );

  program
    .command("diff")
    .description(
      "Compare two versions of a schema: every change with its verdict for deployed clients (wire), code using the generated modules (source) and the database.",
    )
    .argument("[old]", "old version: a schema file, a folder, a project (hamlet.toml) or git:REF")
    .argument("[new]", "new version (default: the current project)")
    .option("--against <git:REF>", "compare the current project (or [old]) with the project as committed at REF")
    .option(
      "--fail-on <audiences>",
      "exit 1 when a change breaks one of these: wire,source,database (default: [hamlet.diff] fail_on, or wire,database)",
    )
    .option("-c, --config <path>", "use this hamlet.toml instead of searching upwards from the current folder")
    .addOption(new Option("--format <format>", "output").choices(["human", "json"]).default("human"))
    .addHelpText(
      "after",
      "\nExit codes: 0 nothing breaks a selected audience; 1 a change breaks one (and is not accepted in [hamlet.diff] accept); 2 usage error, or a version that does not compile.\nEvery change kind, with examples and verdicts: spec/diff.md.",
    )
    .action(
      async (
        before: string | undefined,
        after: string | undefined,
        flags: { against?: string; failOn?: string; config?: string; format: OutputFormat },
      ) => {
        const reporter = createReporter(flags.format);
        const { runDiff } = await import("./commands/diff.js");
        const against = flags.against;
        if (against !== undefined && !against.startsWith("git:"))
          throw new CommanderError(
            ExitCode.usage,
            "hamletc.invalidArgument",
            `error: --against takes git:REF, not '${against}'`,
          );
        // runDiff flushes the reporter itself: its JSON output replaces the diagnostics list.
        setExit(runDiff({ old: before, new: after, against, failOn: flags.failOn, config: flags.config }, reporter));
      },
    );

  program
    .command("init")
    .description("Create a starter project (hamlet.toml and schema/app.hamlet) that builds at once.")
    .argument("[dir]", "folder to create it in", ".")
    .action(async (dir: string) => {
      const { runInit } = await import("./commands/init.js");
      setExit(runInit(dir, createReporter("human")));
    });

  program
    .command("lsp")
    .description("Run the language server over stdio (used by editor extensions).")
    .option("--stdio", "use stdio (the default and only transport)")
    .action(async () => {
      const { runLsp } = await import("./commands/lsp.js");
      runLsp();
    });

  return program;
}

/** Runs the CLI and returns the exit code (the launcher sets `process.exitCode`). */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = ExitCode.ok;
  const bare = argv.length === 0;
  const wantsHelp = bare || argv.some((a) => a === "--help" || a === "-h" || a === "help");
  const help = wantsHelp ? await loadHelpTexts() : undefined;
  const program = buildProgram((c) => (code = c), help);
  if (bare) {
    // `hamletc` alone asks what it can do: help on stdout, success (Commander would use stderr and exit 1).
    program.outputHelp();
    return ExitCode.ok;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return ExitCode.ok;
      if (error.code === "hamletc.invalidArgument") process.stderr.write(`${error.message}\n`);
      return ExitCode.usage;
    }
    process.stderr.write(
      `hamletc: internal error: ${(error as Error).stack ?? String(error)}\nPlease report this with the schema that caused it.\n`,
    );
    return ExitCode.usage;
  }
  return code;
}

async function loadHelpTexts(): Promise<HelpTexts> {
  const [{ loadEmitters }, { configReferenceText }] = await Promise.all([
    import("../../emitters/index.js"),
    import("../config/index.js"),
  ]);
  return { emitters: await loadEmitters(), configReference: configReferenceText() };
}
