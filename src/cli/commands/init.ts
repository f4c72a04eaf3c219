/** `hamletc init`: a starter project that builds at once. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { ExitCode } from "../exit-codes.js";
import type { Reporter } from "../report.js";

const CONFIG = `# Hamlet project settings. See \`hamletc --help\` and the README for every key.
[hamlet]
schema = ["schema/*.hamlet"]
out = "generated"

[hamlet.features]
database = true
event_store = true
`;

const SCHEMA = (name: string) => `// Your API, in one place: types, endpoints and tables.
package ${name}

/// A short message.
record Note {
  id: Uuid
  text: String @length(1, 280)
  created_at: Timestamp
}

/// The newest notes first.
endpoint ListNotes: GET "/api/notes" {
  request { limit: Int @range(1, 100) = 20 }
  response { notes: List<Note> }
}

/// Write a note.
endpoint CreateNote: POST "/api/notes" {
  request { text: String @length(1, 280) }
  response Note
  errors { TooLong { max: Int } }
}

/// Notes as stored.
@table("notes")
model NoteRow {
  id: Uuid @primary @default(uuid)
  text: String
  created_at: Timestamp @default(now)
}
`;

export function runInit(directory: string | undefined, reporter: Reporter): ExitCode {
  const root = resolve(directory ?? ".");
  const files = new Map([
    [join(root, "hamlet.toml"), CONFIG],
    [join(root, "schema", "app.hamlet"), SCHEMA(packageName(root))],
  ]);
  const existing = [...files.keys()].filter((f) => existsSync(f));
  if (existing.length > 0) {
    process.stderr.write(
      `hamletc init: not overwriting ${existing.map((f) => relative(process.cwd(), f)).join(", ")}\n`,
    );
    return ExitCode.usage;
  }
  for (const [file, text] of files) {
    mkdirSync(resolve(file, ".."), { recursive: true });
    writeFileSync(file, text);
  }
  const where = relative(process.cwd(), root) || ".";
  reporter.info(
    `Created ${where}/hamlet.toml and ${where}/schema/app.hamlet.\nNext: ${where === "." ? "" : `cd ${where} && `}npx hamletc build`,
  );
  return ExitCode.ok;
}

function packageName(root: string): string {
  const base = root
    .replace(/^.*[\\/]/, "")
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, "_");
  return /^[a-z_]/.test(base) ? base : "app";
}
