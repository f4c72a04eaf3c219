/**
 * The `sql` emitter: numbered migrations per dialect, computed from the models.
 *
 * Layout of its output folder (`sql/`):
 *   snapshot.json                 the models as of the last migration (commit it)
 *   sqlite/0001_<slug>.up.sql     apply with `hamletc migrate`
 *   sqlite/0001_<slug>.down.sql   the reverse, for development
 *   postgres/0001_<slug>.up.sql / .down.sql
 *
 * Each build diffs the models against snapshot.json; when they differ it adds one migration per
 * dialect and rewrites the snapshot. Earlier migrations are re-emitted unchanged. Changes that
 * lose data or fail on existing rows are refused (HAM0830–HAM0833, HAM0837) unless
 * `allow_destructive = true`. The runtime's own tables (sessions, KV; `runtime-tables.ts`) and
 * other extra DDL sets (`extra-ddl.ts`) join the first migration that lacks them. A set is never
 * dropped by a later migration: the event store turned off keeps its tables (warning HAM0839). Defaults `@default(uuid)` and `@default(now)` are database
 * defaults on both dialects (SQLite: a v4 UUID expression and RFC 3339 UTC text).
 */
import { diagnostic } from "../../src/diagnostics/messages.js";
import type { EmittedFile } from "../../src/emit/types.js";
import { defineEmitter } from "../../src/emit/types.js";
import type { Schema } from "../../src/schema/types.js";
import { dialects } from "./ddl.js";
import { eventStoreKeptAfterOff } from "./event-store-ddl.js";
import { EVENT_STORE_TABLES } from "./event-store.js";
import { downOf, pendingExtras } from "./extra-ddl.js";
import { emptySnapshot, renamesOf, snapshotOf, type Snapshot } from "./model.js";
import { invert, matchTables, plan, type Problem } from "./plan.js";

export const SNAPSHOT_FILE = "snapshot.json";
const MIGRATION_FILE = /^(sqlite|postgres)\/(\d{4,})_[a-z0-9_]+\.(up|down)\.sql$/;

function readSnapshot(text: string): Snapshot | string {
  try {
    const value = JSON.parse(text) as Partial<Snapshot>;
    if (value.version !== 1 || !Array.isArray(value.tables)) return "is not a Hamlet snapshot (version 1)";
    return value as Snapshot;
  } catch (error) {
    return `is not valid JSON (${(error as Error).message})`;
  }
}

function slugOf(summary: readonly string[], initial: boolean): string {
  if (initial) return "initial";
  const parts = [...new Set(summary)];
  if (parts.length === 0) return "docs";
  let slug = parts.slice(0, 2).join("_");
  if (parts.length > 2) slug += "_and_more";
  slug = slug.replace(/[^a-z0-9_]+/gi, "_").toLowerCase();
  return slug.length > 60 ? slug.slice(0, 60).replace(/_+$/, "") : slug;
}

function render(statements: readonly string[], header: string): string {
  const body = statements.length > 0 ? statements.join("\n\n") : "-- Nothing to do for this dialect.";
  return `${header}\n\n${body}\n`;
}

function report(schema: Schema, problem: Problem) {
  const model = schema.models.find((m) => m.table === problem.table);
  const column = "column" in problem ? model?.columns.find((c) => c.column === problem.column) : undefined;
  const span = column?.span ?? model?.span;
  switch (problem.code) {
    case "HAM0830":
      return diagnostic("HAM0830", span, { table: problem.table, model: problem.model });
    case "HAM0831":
      return diagnostic("HAM0831", span, { table: problem.table, column: problem.column });
    case "HAM0832":
      return diagnostic("HAM0832", span, {
        table: problem.table,
        column: problem.column,
        from: problem.from,
        to: problem.to,
      });
    case "HAM0833":
      return diagnostic("HAM0833", span, { table: problem.table, column: problem.column });
    case "HAM0837":
      return diagnostic("HAM0837", span, { table: problem.table });
    case "HAM0838":
      return diagnostic("HAM0838", span, { table: problem.table });
  }
}

export const sqlEmitter = defineEmitter<{ allow_destructive: boolean }>({
  name: "sql",
  description: "Numbered SQL migrations for SQLite and PostgreSQL, from the models (tenant-scoped unless @global).",
  outDir: "sql",
  options: {
    allow_destructive: {
      type: "boolean",
      default: false,
      description: "Allow migrations that drop tables or columns, narrow types or add NOT NULL without a default.",
    },
  },
  emit(schema, context) {
    const files: EmittedFile[] = [];
    let next = 1;
    for (const dialect of dialects) {
      for (const path of context.listExisting(dialect)) {
        const match = MIGRATION_FILE.exec(path);
        if (!match) continue;
        files.push({ path, content: context.readExisting(path) ?? "" });
        next = Math.max(next, Number(match[2]) + 1);
      }
    }
    const text = context.readExisting(SNAPSHOT_FILE);
    let before: Snapshot = emptySnapshot;
    if (text !== undefined) {
      const read = readSnapshot(text);
      if (typeof read === "string") {
        context.report(diagnostic("HAM0834", undefined, { path: `sql/${SNAPSHOT_FILE}`, detail: read }));
        return [];
      }
      before = read;
    } else if (next > 1) {
      context.report(
        diagnostic("HAM0834", undefined, {
          path: `sql/${SNAPSHOT_FILE}`,
          detail: "is missing but earlier migrations exist",
        }),
      );
      return [];
    }
    for (const m of schema.models) {
      for (const c of m.columns) {
        const target = c.references && schema.models.find((t) => t.name === c.references!.model);
        if (m.global && target && !target.global)
          context.report(diagnostic("HAM0835", c.span, { model: m.name, column: c.name, target: target.name }));
      }
    }
    const recorded = before.extras ?? [];
    const extras = pendingExtras(schema, recorded);
    if (eventStoreKeptAfterOff(schema, recorded)) {
      context.report(diagnostic("HAM0839", undefined, { tables: EVENT_STORE_TABLES.join(", ") }));
    }
    const allExtras = [...recorded, ...extras.map((extra) => extra.name)];
    const after: Snapshot = { ...snapshotOf(schema), ...(allExtras.length > 0 ? { extras: allExtras } : {}) };
    const snapshotText = `${JSON.stringify(after, null, 2)}\n`;
    if (JSON.stringify(before) === JSON.stringify(after)) {
      // No model change: no new migration (and nothing at all for a schema without models).
      return after.tables.length === 0 && text === undefined
        ? files
        : [...files, { path: SNAPSHOT_FILE, content: snapshotText }];
    }
    const pairs = matchTables(before, after, renamesOf(schema));
    const up = plan(pairs);
    const down = plan(invert(pairs));
    const refused = up.problems.filter((p) => p.code === "HAM0838" || !context.options.allow_destructive);
    if (refused.length > 0) {
      for (const p of refused) context.report(report(schema, p));
      return [];
    }
    const initial = before.tables.length === 0 && recorded.length === 0;
    const onlyExtras = up.summary.length === 0 && extras.length > 0 && !initial;
    const slug = onlyExtras ? extras.map((extra) => extra.slug).join("_and_") : slugOf(up.summary, initial);
    const name = `${String(next).padStart(4, "0")}_${slug}`;
    for (const dialect of dialects) {
      const header = `-- Migration ${name} (${dialect}), generated by hamletc from the models of package ${schema.package}.\n-- Do not edit: hamletc migrate refuses applied migrations whose text changed.`;
      // The runtime's tables (and other extra sets) come first, so model DDL may refer to them.
      const upStatements = [...extras.flatMap((extra) => extra.up[dialect]), ...up.statements[dialect]];
      const downStatements = [
        ...down.statements[dialect],
        ...[...extras].reverse().flatMap((extra) => downOf(extra, recorded, dialect)),
      ];
      files.push({ path: `${dialect}/${name}.up.sql`, content: render(upStatements, header) });
      files.push({
        path: `${dialect}/${name}.down.sql`,
        content: render(downStatements, `${header}\n-- Reverts the migration; may lose data.`),
      });
    }
    files.push({ path: SNAPSHOT_FILE, content: snapshotText });
    return files;
  },
});
