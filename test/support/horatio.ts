/** The Horatio example's migrations (its tables and the event store), applied to a test database. */
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
