/**
 * `hamletc events ...`: the event store of the configured database, for operators. Lists, shows,
 * retries and discards dead letters, and shows a workflow run's status and history. Every action
 * is scoped to one tenant (`--tenant`, default `default`), except `prune`, which deletes finished
 * work of every tenant as the dispatcher's retention does. Prints text, or JSON with
 * `--format json` (stdout).
 */
import { resolve } from "node:path";
import type { RunHistory, StoredEvent } from "@hamlet/runtime-node";
import { builtinEmitterNames } from "../../../emitters/index.js";
import { defaultConfig, findConfig, loadConfig, type HamletConfig } from "../../config/index.js";
import { ExitCode } from "../exit-codes.js";
import type { Reporter } from "../report.js";
import { loadRuntime, sqliteUrlUnder } from "./migrate.js";

export type EventsAction =
  | { readonly kind: "dead-letters"; readonly name?: string | undefined; readonly limit?: number | undefined }
  | { readonly kind: "show" | "retry" | "discard"; readonly eventId: string }
  | { readonly kind: "runs"; readonly workflow?: string | undefined; readonly limit?: number | undefined }
  | { readonly kind: "run"; readonly runId: string }
  | { readonly kind: "prune"; readonly olderThan: string };

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `7d`, `12h`, `30m`, `90s`, `500ms` in milliseconds, or undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  return match === null ? undefined : Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export interface EventsOptions {
  readonly config?: string | undefined;
  /** Database URL; default `[hamlet.server] database_url`. */
  readonly database?: string | undefined;
  readonly tenant?: string | undefined;
  readonly format: "text" | "json";
}

function databaseUrl(options: EventsOptions, reporter: Reporter, cwd: string): string | undefined {
  if (options.database !== undefined) return options.database;
  const configPath = options.config ? resolve(cwd, options.config) : findConfig(cwd);
  let config: HamletConfig;
  if (configPath) {
    const loaded = loadConfig(configPath, builtinEmitterNames);
    reporter.diagnostics(loaded.diagnostics, new Map());
    if (!loaded.config || loaded.diagnostics.some((d) => d.severity === "error")) return undefined;
    config = loaded.config;
  } else config = defaultConfig(cwd);
  return sqliteUrlUnder(config.rootDir, config.server.databaseUrl);
}

const time = (ms: number | null): string => (ms === null ? "-" : new Date(ms).toISOString());

function eventText(e: StoredEvent): string {
  const lines = [
    `${e.id}  ${e.name}  ${e.status}  attempts ${e.attempts}`,
    `  tenant ${e.tenantId}, correlation ${e.correlationId}${e.causationId ? `, caused by ${e.causationId}` : ""}`,
    `  created ${time(e.createdAt)}, due ${time(e.dueAt)}, completed ${time(e.completedAt)}`,
    `  payload ${JSON.stringify(e.payload)}`,
  ];
  for (const error of e.errors) lines.push(`  attempt ${error.attempt} at ${time(error.at)}: ${error.message}`);
  return lines.join("\n");
}

function runText(run: RunHistory): string {
  const lines = [
    `${run.id}  ${run.workflow}  ${run.status}`,
    `  tenant ${run.tenantId}, correlation ${run.correlationId}, created ${time(run.createdAt)}, updated ${time(run.updatedAt)}`,
    `  trigger ${JSON.stringify(run.trigger)}`,
  ];
  if (run.error) lines.push(`  error: ${run.error}`);
  lines.push("  steps:");
  for (const step of run.steps) {
    const took = step.startedAt !== null && step.finishedAt !== null ? `, ${step.finishedAt - step.startedAt} ms` : "";
    lines.push(`    ${step.index + 1}. ${step.name}  ${step.status}  attempts ${step.attempts}${took}`);
    if (step.output !== null) lines.push(`       output ${JSON.stringify(step.output)}`);
    for (const error of step.errors) lines.push(`       attempt ${error.attempt}: ${error.message}`);
  }
  lines.push("  events:");
  for (const e of run.events) lines.push(`    ${time(e.createdAt)}  ${e.name}  ${e.status}  ${e.id}`);
  return lines.join("\n");
}

function print(options: EventsOptions, value: unknown, text: string): void {
  process.stdout.write(options.format === "json" ? `${JSON.stringify(value, null, 2)}\n` : `${text}\n`);
}

export async function runEvents(
  action: EventsAction,
  options: EventsOptions,
  reporter: Reporter,
  cwd = process.cwd(),
): Promise<ExitCode> {
  const olderThanMs = action.kind === "prune" ? parseDuration(action.olderThan) : undefined;
  if (action.kind === "prune" && olderThanMs === undefined) {
    process.stderr.write(
      `error: --older-than takes a duration such as 7d, 12h, 30m or 90s, not '${action.olderThan}'\n`,
    );
    return ExitCode.usage;
  }
  const url = databaseUrl(options, reporter, cwd);
  if (url === undefined) return ExitCode.usage;
  const tenant = options.tenant ?? "default";
  // Loaded only here (database drivers), through the one loader hamletc migrate uses too.
  const runtime = await loadRuntime("hamletc events", "it reads the event store");
  if (runtime === undefined) return ExitCode.usage;
  let db;
  try {
    db = runtime.openDatabase(url);
  } catch (error) {
    process.stderr.write(`hamletc events: ${(error as Error).message}\n`);
    return ExitCode.usage;
  }
  // Never started: only its admin API (and prune) is used, which reads and writes the event-store tables.
  const system = runtime.createEventSystem({
    db,
    registry: { events: [], handlers: {} },
    ...(olderThanMs !== undefined ? { retention: { keepMs: olderThanMs } } : {}),
  });
  try {
    switch (action.kind) {
      case "dead-letters": {
        const letters = await system.admin.listDeadLetters(tenant, {
          ...(action.name !== undefined ? { name: action.name } : {}),
          ...(action.limit !== undefined ? { limit: action.limit } : {}),
        });
        print(
          options,
          letters,
          letters.length === 0 ? `No dead letters in tenant ${tenant}.` : letters.map(eventText).join("\n\n"),
        );
        return ExitCode.ok;
      }
      case "show": {
        const event = await system.admin.getEvent(tenant, action.eventId);
        if (event === null) return missing(`event ${action.eventId}`, tenant);
        print(options, event, eventText(event));
        return ExitCode.ok;
      }
      case "retry":
      case "discard": {
        const done =
          action.kind === "retry"
            ? await system.admin.retryDeadLetter(tenant, action.eventId)
            : await system.admin.discardDeadLetter(tenant, action.eventId);
        if (!done) return missing(`dead letter ${action.eventId}`, tenant);
        const verb = action.kind === "retry" ? "will be retried" : "was discarded";
        print(
          options,
          { id: action.eventId, [action.kind === "retry" ? "retried" : "discarded"]: true },
          `Dead letter ${action.eventId} ${verb}.`,
        );
        return ExitCode.ok;
      }
      case "runs": {
        const runs = await system.admin.listRuns(tenant, {
          ...(action.workflow !== undefined ? { workflow: action.workflow } : {}),
          ...(action.limit !== undefined ? { limit: action.limit } : {}),
        });
        const text = runs.map(
          (r) => `${r.id}  ${r.workflow}  ${r.status}  updated ${time(r.updatedAt)}${r.error ? `  ${r.error}` : ""}`,
        );
        print(options, runs, runs.length === 0 ? `No workflow runs in tenant ${tenant}.` : text.join("\n"));
        return ExitCode.ok;
      }
      case "run": {
        const run = await system.admin.getRun(tenant, action.runId);
        if (run === null) return missing(`workflow run ${action.runId}`, tenant);
        print(options, run, runText(run));
        return ExitCode.ok;
      }
      case "prune": {
        const pruned = await system.prune();
        print(
          options,
          pruned,
          `Deleted ${pruned.events} completed events and ${pruned.runs} finished workflow runs (all tenants); dead letters are kept.`,
        );
        return ExitCode.ok;
      }
    }
  } catch (error) {
    process.stderr.write(`hamletc events: ${(error as Error).message}\n`);
    return ExitCode.failed;
  } finally {
    await db.close();
  }
}

function missing(what: string, tenant: string): ExitCode {
  process.stderr.write(`hamletc events: no ${what} in tenant ${tenant} (is --tenant right?).\n`);
  return ExitCode.failed;
}
