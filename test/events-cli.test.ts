/**
 * `hamletc events` end to end: the built CLI (bin/hamletc.js, child processes) against an event
 * store on SQLite and PostgreSQL that a real event system filled: a dead letter is listed, shown,
 * retried (then handled) and another discarded; a workflow run shows its steps and events; every
 * action is scoped to `--tenant` (another tenant can list, show, retry or discard nothing of it).
 */
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { eventStoreStatements } from "../emitters/sql/event-store.js";
import {
  createEventSystem,
  openDatabase,
  PermanentEventError,
  type Database,
  type EventRegistry,
  type PayloadValidator,
} from "@hamlet/runtime-node";
import { postgresAvailable, usePostgres } from "../runtime-node/test/support/postgres.js";
import { repoRoot } from "./support/corpus.js";
import { tempDir } from "./sql-helpers.js";

const run = promisify(execFile);
const scratch = tempDir("hamlet-events-cli-");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const pg = postgresAvailable ? usePostgres() : null;

async function hamletc(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(repoRoot, "bin", "hamletc.js"), ...args], {
      cwd: scratch,
      env: { ...process.env, NO_COLOR: "1" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const anything: PayloadValidator<unknown> = (value) => ({ ok: true, value });
/** Fails (permanently) while `failing` is true. */
let failing = true;
const handled: string[] = [];

const registry: EventRegistry = {
  events: [
    { name: "Ping", validate: anything },
    { name: "Go", validate: anything },
  ],
  handlers: {
    Ping: async (payload: { n: number }) => {
      if (failing) throw new PermanentEventError(`ping ${payload.n} failed`);
      handled.push(`ping ${payload.n}`);
    },
  },
  workflows: [
    {
      name: "Flow",
      trigger: "Go",
      steps: [
        { name: "first", run: async () => ({ doubled: 42 }) },
        { name: "second", run: async () => undefined },
      ],
    },
  ],
};

async function createStore(url: string): Promise<Database> {
  const db = openDatabase(url);
  await db.transaction(async (tx) => {
    for (const statement of eventStoreStatements(db.dialect)) await tx.execute(statement);
  });
  return db;
}

let sqliteFiles = 0;
const targets: { name: string; url: () => Promise<string> }[] = [
  { name: "sqlite", url: async () => `sqlite:${join(scratch, `events-${++sqliteFiles}.db`)}` },
  ...(pg ? [{ name: "postgres", url: () => pg.createDatabase() }] : []),
];

describe.each(targets)("hamletc events on $name", ({ url: makeUrl }) => {
  it("lists, shows, retries and discards dead letters, and shows a workflow run", { timeout: 60_000 }, async () => {
    const url = await makeUrl();
    failing = true;
    handled.length = 0;
    const db = await createStore(url);
    const system = createEventSystem({ db, registry, pollMs: 20, onError: () => undefined });
    await system.start();
    try {
      for (const n of [1, 2])
        await system.transaction(db, { tenantId: "alpha" }, (_tx, emit) => emit({ name: "Ping", payload: { n } }));
      await system.transaction(db, { tenantId: "alpha", correlationId: "corr-go" }, (_tx, emit) =>
        emit({ name: "Go", payload: { go: true } }),
      );
      await system.drain({ timeoutMs: 20_000 });

      const listed = await hamletc(
        "events",
        "dead-letters",
        "--database",
        url,
        "--tenant",
        "alpha",
        "--format",
        "json",
      );
      expect(listed.code).toBe(0);
      const letters = JSON.parse(listed.stdout) as { id: string; payload: { n: number }; lastError: string }[];
      expect(letters.map((l) => l.payload.n).sort()).toEqual([1, 2]);
      expect(letters.map((l) => l.lastError).sort()).toEqual([
        "PermanentEventError: ping 1 failed",
        "PermanentEventError: ping 2 failed",
      ]);
      const one = letters.find((l) => l.payload.n === 1)!;
      const two = letters.find((l) => l.payload.n === 2)!;

      const text = await hamletc("events", "dead-letters", "--database", url, "--tenant", "alpha");
      expect(text.stdout).toContain(`${one.id}  Ping  dead  attempts 1`);
      expect(text.stdout).toContain("attempt 1 at");
      const other = await hamletc("events", "dead-letters", "--database", url, "--tenant", "beta");
      expect(other.stdout.trim()).toBe("No dead letters in tenant beta.");

      const shown = await hamletc("events", "show", one.id, "--database", url, "--tenant", "alpha", "--format", "json");
      expect(JSON.parse(shown.stdout)).toMatchObject({ id: one.id, name: "Ping", status: "dead", attempts: 1 });
      const wrongTenant = await hamletc("events", "retry", one.id, "--database", url, "--tenant", "beta");
      expect(wrongTenant.code).toBe(1);
      expect(wrongTenant.stderr).toContain(`no dead letter ${one.id} in tenant beta`);
      const wrongShow = await hamletc("events", "show", one.id, "--database", url, "--tenant", "beta");
      expect([wrongShow.code, wrongShow.stdout]).toEqual([1, ""]);
      const wrongDiscard = await hamletc("events", "discard", two.id, "--database", url, "--tenant", "beta");
      expect(wrongDiscard.code).toBe(1);
      expect(wrongDiscard.stderr).toContain(`no dead letter ${two.id} in tenant beta`);

      failing = false;
      const retried = await hamletc("events", "retry", one.id, "--database", url, "--tenant", "alpha");
      expect([retried.code, retried.stdout.trim()]).toEqual([0, `Dead letter ${one.id} will be retried.`]);
      await system.drain({ timeoutMs: 20_000 });
      expect(handled).toEqual(["ping 1"]);
      const discarded = await hamletc("events", "discard", two.id, "--database", url, "--tenant", "alpha");
      expect(discarded.code).toBe(0);
      const after = await hamletc("events", "dead-letters", "--database", url, "--tenant", "alpha", "--format", "json");
      expect(JSON.parse(after.stdout)).toEqual([]);

      const runs = await hamletc("events", "runs", "--database", url, "--tenant", "alpha", "--format", "json");
      const [runSummary] = JSON.parse(runs.stdout) as { id: string; workflow: string; status: string }[];
      expect(runSummary).toMatchObject({ workflow: "Flow", status: "completed" });
      const history = await hamletc(
        "events",
        "run",
        runSummary!.id,
        "--database",
        url,
        "--tenant",
        "alpha",
        "--format",
        "json",
      );
      const parsed = JSON.parse(history.stdout) as {
        status: string;
        correlationId: string;
        steps: { name: string; status: string; output: unknown }[];
        events: { name: string }[];
      };
      expect(parsed.status).toBe("completed");
      expect(parsed.correlationId).toBe("corr-go");
      expect(parsed.steps.map((s) => [s.name, s.status, s.output])).toEqual([
        ["first", "done", { doubled: 42 }],
        ["second", "done", null],
      ]);
      expect(parsed.events.map((e) => e.name)).toContain("Go");
      // Another tenant sees no run, neither listed nor by id.
      const betaRuns = await hamletc("events", "runs", "--database", url, "--tenant", "beta", "--format", "json");
      expect(JSON.parse(betaRuns.stdout)).toEqual([]);
      const betaRun = await hamletc("events", "run", runSummary!.id, "--database", url, "--tenant", "beta");
      expect([betaRun.code, betaRun.stderr.trim()]).toEqual([
        1,
        `hamletc events: no workflow run ${runSummary!.id} in tenant beta (is --tenant right?).`,
      ]);
      const historyText = await hamletc("events", "run", runSummary!.id, "--database", url, "--tenant", "alpha");
      expect(historyText.stdout).toContain("1. first  done  attempts 1");
      expect(historyText.stdout).toContain('output {"doubled":42}');
    } finally {
      await system.stop();
      await db.close();
    }
  });

  it(
    "prunes completed events and finished runs of every tenant, keeping dead letters",
    { timeout: 60_000 },
    async () => {
      const url = await makeUrl();
      failing = false;
      const db = await createStore(url);
      const system = createEventSystem({ db, registry, pollMs: 20, retention: false, onError: () => undefined });
      await system.start();
      try {
        for (const tenantId of ["alpha", "beta"])
          await system.transaction(db, { tenantId }, (_tx, emit) => emit({ name: "Ping", payload: { n: 1 } }));
        await system.transaction(db, { tenantId: "alpha" }, (_tx, emit) => emit({ name: "Go", payload: {} }));
        await system.drain({ timeoutMs: 20_000 });
        failing = true;
        await system.transaction(db, { tenantId: "beta" }, (_tx, emit) => emit({ name: "Ping", payload: { n: 2 } }));
        await system.drain({ timeoutMs: 20_000 });

        const kept = await hamletc("events", "prune", "--database", url, "--older-than", "1d", "--format", "json");
        expect([kept.code, JSON.parse(kept.stdout)]).toEqual([0, { events: 0, runs: 0 }]);
        // Everything finished before now: 2 pings, the trigger and 2 workflow steps, 1 run.
        const pruned = await hamletc("events", "prune", "--database", url, "--older-than", "0s");
        expect([pruned.code, pruned.stdout.trim()]).toEqual([
          0,
          "Deleted 5 completed events and 1 finished workflow runs (all tenants); dead letters are kept.",
        ]);
        expect((await system.admin.listDeadLetters("beta")).map((e) => e.payload)).toEqual([{ n: 2 }]);
        expect(await system.admin.listRuns("alpha")).toEqual([]);

        const wrong = await hamletc("events", "prune", "--database", url, "--older-than", "a week");
        expect([wrong.code, wrong.stderr.trim()]).toEqual([
          2,
          "error: --older-than takes a duration such as 7d, 12h, 30m or 90s, not 'a week'",
        ]);
      } finally {
        await system.stop();
        await db.close();
      }
    },
  );
});

describe("hamletc events usage", () => {
  it("documents its actions in --help", async () => {
    const help = await hamletc("events", "--help");
    for (const action of ["dead-letters", "show", "retry", "discard", "runs", "run", "prune"])
      expect(help.stdout).toContain(action);
  });

  it("reports a missing run", async () => {
    const url = `sqlite:${join(scratch, "empty.db")}`;
    const db = await createStore(url);
    await db.close();
    const missing = await hamletc("events", "run", "nope", "--database", url);
    expect([missing.code, missing.stderr.trim()]).toEqual([
      1,
      "hamletc events: no workflow run nope in tenant default (is --tenant right?).",
    ]);
  });
});
