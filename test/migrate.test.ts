/** The migration runner: statement splitting, and concurrent runners on one database. */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../runtime-node/src/db/open.js";
import { postgresAvailable, usePostgres } from "../runtime-node/test/support/postgres.js";
import { checksum, migrate, splitStatements } from "../runtime-node/src/db/migrate.js";
import { specDir } from "./support/corpus.js";
import { buildInto, migrationsOf, tempDir } from "./sql-helpers.js";

const root = tempDir("hamlet-migrate-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("splitStatements", () => {
  it("splits at semicolons outside quotes and comments", () => {
    const sql = `-- a; comment\nCREATE TABLE "a;b" (x TEXT DEFAULT ';''');\n\n-- only a comment;\nCOMMENT ON TABLE t IS 'x; y';\n-- trailing\n`;
    expect(splitStatements(sql)).toEqual([
      `-- a; comment\nCREATE TABLE "a;b" (x TEXT DEFAULT ';''');`,
      `-- only a comment;\nCOMMENT ON TABLE t IS 'x; y';`,
    ]);
  });

  it("keeps dollar-quoted bodies, nested block comments, E-strings and trigger bodies whole", () => {
    const fn = `CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  NEW.x := 'a;b'; -- ;
  RETURN NEW;
END;
$body$;`;
    const doBlock = "DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;";
    const comment = "/* one; /* nested; */ still comment; */ SELECT 1;";
    const escaped = "SELECT E'it\\'s; fine', 'x'';y', \"a;\"\"b\", a$b FROM t WHERE c = $1;";
    const trigger = `CREATE TEMP TRIGGER t AFTER INSERT ON a BEGIN
  UPDATE b SET n = CASE WHEN n > 0 THEN n + 1 ELSE 1 END;
  DELETE FROM c;
END;`;
    const atomic =
      "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;";
    const sql = [fn, doBlock, comment, escaped, trigger, atomic, "BEGIN;", "COMMIT;"].join("\n");
    expect(splitStatements(sql)).toEqual([fn, doBlock, comment, escaped, trigger, atomic, "BEGIN;", "COMMIT;"]);
    expect(splitStatements("SELECT 1;;  ;\n-- trailing comment\n/* and a block */")).toEqual(["SELECT 1;"]);
    expect(splitStatements("SELECT 'unterminated; x")).toEqual(["SELECT 'unterminated; x"]);
  });
});

describe("hand-written migrations with bodies apply", () => {
  const pg = postgresAvailable ? usePostgres() : null;
  const bodies = {
    postgres: `CREATE TABLE counter (n integer NOT NULL);
CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE counter SET n = n + 1; -- one per row; really
  RETURN NEW;
END;
$$;
CREATE TABLE item (x text);
CREATE TRIGGER item_bump AFTER INSERT ON item FOR EACH ROW EXECUTE FUNCTION bump();
INSERT INTO counter VALUES (0);`,
    sqlite: `CREATE TABLE counter (n integer NOT NULL);
CREATE TABLE item (x text);
/* bump; the counter */
CREATE TRIGGER item_bump AFTER INSERT ON item BEGIN
  UPDATE counter SET n = n + 1;
END;
INSERT INTO counter VALUES (0);`,
  } as const;
  for (const dialect of postgresAvailable ? (["sqlite", "postgres"] as const) : (["sqlite"] as const)) {
    it(`on ${dialect}`, async () => {
      const url = dialect === "postgres" ? await pg!.createDatabase() : `sqlite:${join(root, "bodies.sqlite")}`;
      const db = openDatabase(url);
      try {
        const sql = bodies[dialect];
        await migrate(db, [{ id: 1, name: "0001_bodies", sql, checksum: checksum(sql) }]);
        await db.execute("INSERT INTO item VALUES ('a;b')");
        await db.execute("INSERT INTO item VALUES ('c')");
        expect(Number((await db.query<{ n: unknown }>("SELECT n FROM counter"))[0]?.n)).toBe(2);
      } finally {
        await db.close();
      }
    });
  }
});

async function chainMigrations(name: string) {
  const out = join(root, name);
  let files;
  for (const v of ["v1", "v2", "v3"])
    files = (await buildInto(join(specDir, "migrations", "blog", `${v}.hamlet`), out)).files;
  return files!;
}

describe("concurrent runners apply every migration once", () => {
  // SQLite: better-sqlite3 waits for locks synchronously, so two connections in one process
  // would block each other; test/migrate-cli.test.ts runs two processes instead.
  describe.runIf(postgresAvailable)("on PostgreSQL", () => {
    const pg = usePostgres();
    it("advisory lock", { timeout: 60_000 }, async () => {
      const files = migrationsOf(await chainMigrations("postgres"), "postgres");
      const url = await pg.createDatabase();
      const runners = [openDatabase(url), openDatabase(url), openDatabase(url)];
      try {
        const results = await Promise.all(runners.map((db) => migrate(db, files)));
        expect(results.flatMap((r) => r.applied).sort()).toEqual(files.map((f) => f.name));
        expect((await runners[0]!.query("SELECT id FROM hamlet_migrations")).length).toBe(3);
      } finally {
        for (const db of runners) await db.close();
      }
    });
  });
});
