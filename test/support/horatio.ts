/** The Horatio example's migrations (its tables and the event store), applied to a test database. */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { migrate, readMigrations, type Database } from "@hamlet/runtime-node";
import { repoRoot } from "./corpus.js";

export const horatioDir = join(repoRoot, "examples", "horatio");

/** Applies examples/horatio/generated/sql/<dialect>/*.up.sql, as `hamletc migrate` does. */
export async function migrateHoratio(db: Database): Promise<void> {
  await migrate(db, readMigrations(join(horatioDir, "generated", "sql", db.dialect)));
}

/** The schema files of the example: the shared horatio.hamlet plus the example's own (sorted, as `schema/*.hamlet` finds them). */
export const horatioSchemaFiles = [
  join(horatioDir, "schema", "app.hamlet"),
  join(horatioDir, "schema", "horatio.hamlet"),
  join(horatioDir, "schema", "publishing.hamlet"),
];

/**
 * Starts examples/horatio/src/main.ts as its own process (through vite-node, configured by
 * environment: dev login on, a fixed session secret, a free port unless `env.PORT` says otherwise)
 * and resolves with its URL once it listens.
 */
export async function startHoratioProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const viteNode = join(repoRoot, "node_modules", "vite-node", "vite-node.mjs");
  const child = spawn(process.execPath, [viteNode, "--root", repoRoot, join(horatioDir, "src", "main.ts")], {
    env: { ...process.env, PORT: "0", HORATIO_DEV_LOGIN: "1", HAMLET_SESSION_SECRET: "x".repeat(40), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`horatio did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      const match = /horatio: listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`horatio exited with ${code}:\n${output}`)));
  });
}

/** SIGKILLs a process from {@link startHoratioProcess} and waits until it is gone. */
export async function killHoratio(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}
