/**
 * The table of runtime-node's PostgreSQL message bus (`realtime/bus.ts`), as DDL data for the
 * numbered migrations: a payload too large for a NOTIFY is stored here and the notification
 * carries its row id. Created with the other runtime tables by the owner role (`hamletc migrate`),
 * so the server's role needs only row privileges. PostgreSQL only: SQLite serves one process and
 * its bus stays in memory.
 *
 * Always created when the database feature is on, not only for schemas with `sse`, `websocket` or
 * workflows: `app.hamlet.bus()` is public API that any handler may publish on, and the table is
 * empty unless a payload passes the NOTIFY limit. Rows carry no tenant (the payload names its
 * channel) and live for seconds (the publisher prunes them). The id is chosen by the publisher,
 * not a sequence, so the application role needs no privilege on sequences.
 */
import type { ExtraDdl } from "./extra-ddl.js";

export const busTable: ExtraDdl = {
  name: "hamlet_bus_v1",
  slug: "hamlet_bus_table",
  wanted: (schema) => schema.features.database,
  up: {
    sqlite: [],
    postgres: [
      `CREATE TABLE IF NOT EXISTS hamlet_bus_messages (
  id bigint PRIMARY KEY,
  payload text NOT NULL,
  created_at bigint NOT NULL
);`,
      "CREATE INDEX IF NOT EXISTS hamlet_bus_messages_created_at ON hamlet_bus_messages (created_at);",
    ],
  },
  down: {
    sqlite: [],
    postgres: ["DROP TABLE IF EXISTS hamlet_bus_messages;"],
  },
};
