#!/usr/bin/env node
// Builds and starts the Horatio example (`npm start`): runs `hamletc build` on its schema,
// `hamletc migrate` (as the database's owner: in production run it separately with the owner role
// and start the server as the app role), compiles src/ and the Elm app (build.mjs) and runs
// src/main.js, which serves the API and the app on one origin. Environment: see src/main.ts.
// Two processes on PostgreSQL and S3 behind one port: scale.mjs (`npm run start:scale`).
import { pathToFileURL } from "node:url";
import { compileHoratio, generateHoratio, horatioMain, migrateHoratio } from "./build.mjs";

try {
  generateHoratio();
  // The database gets its tables (the models' and the runtime's sessions/KV) from the migrations.
  migrateHoratio(process.env.DATABASE_URL);
  compileHoratio();
} catch (error) {
  console.error(`horatio: ${error.message}`);
  process.exit(1);
}
await import(pathToFileURL(horatioMain).href);
