/**
 * `[hamlet.events] retention` reaches the event store: the generated `registerEvents` passes
 * `config.events` (what runtime-node's `loadProjectConfig` reads from hamlet.toml) to the event
 * system, and its own `runtime` option still wins. Checked on a real SQLite event store with a
 * completed event two days old, through the generated events.ts of the uploads fixture.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createHamletServer, type EventSystem, type HamletConfig, type HamletServer } from "@hamlet/runtime-node";
import { eventStoreStatements } from "../emitters/sql/event-store.js";
import { useFreshDatabases } from "../runtime-node/test/support/databases.js";
import { FIXTURE_DURABLE, generateFixture } from "./support/uploads.js";

const databases = useFreshDatabases();
const DAY = 86_400_000;
const apps: HamletServer[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

interface FixtureEvents {
  registerEvents(app: HamletServer, options: unknown): EventSystem;
}

/** An app on a fresh SQLite event store holding one event completed two days ago; its event system. */
async function systemWith(events: HamletConfig["events"], runtime: object = {}): Promise<EventSystem> {
  const gen = await generateFixture(FIXTURE_DURABLE, true);
  const generated = (await import(join(gen, "events.ts"))) as FixtureEvents;
  const db = await databases.open("sqlite");
  await db.transaction(async (tx) => {
    for (const sql of eventStoreStatements("sqlite")) await tx.execute(sql);
  });
  const old = Date.now() - 2 * DAY;
  await db.execute(
    `INSERT INTO hamlet_events (tenant_id, id, name, payload, correlation_id, status, due_at, created_at, completed_at)
     VALUES ('default', 'e1', 'ImageUploaded', '{}', 'c1', 'done', $1, $1, $1)`,
    [old],
  );
  const app = await createHamletServer({
    config: {
      database: { url: "sqlite::memory:", privilegeCheck: "off" },
      sessions: { secrets: ["retention-test-secret-retention-test"] },
      tenants: { mode: "single" },
      ...(events === undefined ? {} : { events }),
    },
    database: db,
    reportCrash: false,
  });
  app.addHook("onClose", () => db.close());
  apps.push(app);
  const noop = async () => ({ bytes: 0 });
  return generated.registerEvents(app, {
    runtime,
    handlers: {},
    workflows: { processImage: { measure: noop, publish: async () => undefined } },
  });
}

describe("config.events.retention through the generated registerEvents", () => {
  it("keeps the two-day-old event by default (7 days) and with retention off", async () => {
    expect(await (await systemWith(undefined)).prune()).toEqual({ events: 0, runs: 0 });
    expect(await (await systemWith({ retention: false })).prune()).toEqual({ events: 0, runs: 0 });
  });

  it("deletes it with retention = 1 day from the config, unless the runtime option overrides", async () => {
    expect(await (await systemWith({ retention: { keepMs: DAY } })).prune()).toEqual({ events: 1, runs: 0 });
    const overridden = await systemWith({ retention: { keepMs: DAY } }, { retention: { keepMs: 7 * DAY } });
    expect(await overridden.prune()).toEqual({ events: 0, runs: 0 });
  });
});
