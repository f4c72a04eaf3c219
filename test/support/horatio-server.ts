/** Horatio served in-process for a describe block: a fresh migrated database, the app, its URL. */
import { afterAll, beforeAll } from "vitest";
import { startServer, type Database, type HamletServer } from "@hamlet/runtime-node";
import { createApp, type AppOptions } from "../../examples/horatio/src/app.js";
import type { Dialect } from "../../runtime-node/src/db/database.js";
import type { FreshDatabases } from "../../runtime-node/test/support/databases.js";
import { migrateHoratio } from "./horatio.js";

/** The server of the enclosing describe block; its fields are set once `beforeAll` ran. */
export interface HoratioServer {
  readonly db: Database;
  readonly app: HamletServer;
  readonly url: string;
}

/**
 * Starts Horatio (`createApp` with `options`) on a fresh migrated `dialect` database before the
 * tests of the enclosing describe block and closes both after them; read the fields in tests.
 */
export function useHoratioServer(
  fresh: FreshDatabases,
  dialect: Dialect,
  options: Omit<AppOptions, "database">,
): HoratioServer {
  const server = {} as { db: Database; app: HamletServer; url: string };
  beforeAll(async () => {
    server.db = await fresh.open(dialect);
    await migrateHoratio(server.db);
    server.app = await createApp({ ...options, database: server.db });
    server.url = (await startServer(server.app, { port: 0 })).url;
  });
  afterAll(async () => {
    await server.app?.close();
    await server.db?.close();
  });
  return server;
}
