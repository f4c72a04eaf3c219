/**
 * Generated routes and client for the `valid/http` corpus case, emitted into test/.tmp at test
 * time with a relative runtime import and served over real HTTP: query text forms with repeated
 * keys and defaults, path parameters, PATCH bodies, 204 responses, declared errors with explicit
 * and conventional statuses, and a client method without a request. Also unit tests of the
 * runtime's text-form helpers.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHamletServer,
  fail,
  fromText,
  queryValue,
  openSqliteDatabase,
  relocateIssues,
  startServer,
  type HamletServer,
} from "../runtime-node/src/index.js";
import { ensureRuntimeTables } from "../runtime-node/test/support/runtime-tables.js";
import { corpus } from "./support/corpus.js";
import { compileSchema, emitTypescript, tmpRoot, writeFiles } from "./support/ts-emit.js";
import { CookieJar, hostFetch, rawRequest } from "./support/ts-http.js";

describe("text forms", () => {
  it("converts query and path text per kind, leaving misfits as text for the decoder", () => {
    expect(fromText("12", "number")).toBe(12);
    expect(fromText("-1.5e3", "number")).toBe(-1500);
    expect(fromText("12abc", "number")).toBe("12abc");
    expect(fromText("", "number")).toBe("");
    expect(fromText("true", "boolean")).toBe(true);
    expect(fromText("1", "boolean")).toBe("1");
    expect(fromText('{"a":1}', "json")).toEqual({ a: 1 });
    expect(fromText("text", "text")).toBe("text");
    expect(queryValue(["a", "b"], { kind: "text", list: true })).toEqual(["a", "b"]);
    expect(queryValue("a", { kind: "text", list: true })).toEqual(["a"]);
    expect(queryValue(undefined, { kind: "text", list: true })).toEqual([]);
    expect(queryValue(undefined, { kind: "text", list: true, optional: true })).toBeUndefined();
    expect(queryValue(["1", "2"], { kind: "number" })).toEqual(["1", "2"]);
  });

  it("relocates issues of path and query fields", () => {
    const issues = [
      { path: "$.id", message: "a" },
      { path: "$.tags[1]", message: "b" },
      { path: "$.name", message: "c" },
      { path: "$", message: "d" },
    ];
    expect(relocateIssues(issues, { id: {} }, { tags: {} })).toEqual([
      { path: "$path.id", message: "a" },
      { path: "$query.tags[1]", message: "b" },
      { path: "$.name", message: "c" },
      { path: "$", message: "d" },
    ]);
  });
});

type Module = Record<string, (...args: never[]) => unknown>;

describe("generated routes for valid/http", () => {
  const dir = join(tmpRoot, `routes-${process.pid}`);
  let app: HamletServer;
  let url: string;
  let client: Record<string, (request?: unknown) => Promise<unknown>>;
  const jar = new CookieJar();
  const items = new Map<string, { id: string; name: string; price: number }>();
  const seen: unknown[] = [];

  beforeAll(async () => {
    const entry = corpus("valid").find((c) => c.name === "valid/http")!.entry;
    mkdirSync(dir, { recursive: true });
    writeFiles(
      join(dir, "typescript"),
      await emitTypescript(compileSchema(entry), "../../../../runtime-node/src/index.js"),
    );
    const server = (await import(join(dir, "typescript", "server.ts"))) as Module;
    const clientModule = (await import(join(dir, "typescript", "client.ts"))) as Module;
    const db = openSqliteDatabase(":memory:");
    await ensureRuntimeTables(db); // what `hamletc migrate` creates
    app = await createHamletServer({
      config: {
        database: { url: ":memory:" },
        sessions: { secrets: ["routes-secret-routes-secret-routes-secret"] },
        tenants: { mode: "single" },
      },
      database: db,
    });
    app.addHook("onClose", async () => db.close());
    app.post("/login", async (request, reply) => {
      request.session = await app.hamlet.sessions.create(request, reply, { user: "tester" });
      return { ok: true };
    });
    const handlers = {
      listItems: async (request: { search?: string; order: string; tags: string[]; limit: number }) => {
        seen.push(request);
        const all = [...items.values()].sort((a, b) =>
          request.order === "Asc" ? a.price - b.price : b.price - a.price,
        );
        return { items: all.slice(0, request.limit), total: all.length };
      },
      getItem: async (request: { id: string }) => {
        if (request.id === "00000000-0000-0000-0000-000000000410") return fail({ tag: "Gone" });
        return items.get(request.id) ?? fail({ tag: "NotFound" });
      },
      updateItem: async (request: { id: string; name?: string }) => {
        const item = items.get(request.id);
        if (!item) return fail({ tag: "NotFound" });
        if (request.name === item.name) return fail({ tag: "Conflict", current: item });
        const updated = { ...item, ...(request.name !== undefined ? { name: request.name } : {}) };
        items.set(item.id, updated);
        return updated;
      },
      deleteItem: async (request: { id: string }) => {
        items.delete(request.id);
      },
      health: async () => ({ ok: true }),
    };
    (server["registerRoutes"] as unknown as (app: HamletServer, handlers: unknown) => void)(app, handlers);
    url = (await startServer(app, { port: 0 })).url;
    client = (clientModule["createClient"] as unknown as (o: unknown) => typeof client)({
      baseUrl: url,
      fetch: hostFetch("127.0.0.1", jar),
    });
    for (const [name, price] of [
      ["apple", 3],
      ["pear", 1],
      ["plum", 2],
    ] as const) {
      const id = randomUUID();
      items.set(id, { id, name, price });
    }
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads repeated query keys, defaults and enums", async () => {
    const result = await client["listItems"]!({ tags: ["a", "b c"], order: "Desc", limit: 2 });
    expect(result).toMatchObject({ ok: true, value: { total: 3, items: [{ name: "apple" }, { name: "plum" }] } });
    expect(seen.at(-1)).toEqual({ search: undefined, order: "Desc", tags: ["a", "b c"], limit: 2 });
    const raw = await rawRequest(`${url}/api/items?tags=x&tags=y&search=`);
    expect(raw.status).toBe(200);
    expect(seen.at(-1)).toEqual({ search: "", order: "Asc", tags: ["x", "y"], limit: 20 });
    await rawRequest(`${url}/api/items`);
    expect(seen.at(-1)).toEqual({ search: undefined, order: "Asc", tags: [], limit: 20 });
    const bad = await rawRequest(`${url}/api/items?order=Sideways&limit=1e3&search=a&search=b`);
    expect([bad.status, JSON.parse(bad.body)]).toEqual([
      400,
      {
        tag: "ValidationFailed",
        issues: [
          { path: "$query.search", message: "expected a string" },
          { path: "$query.order", message: 'unknown variant "Sideways", expected one of Asc, Desc' },
          { path: "$query.limit", message: "expected at most 100" },
        ],
      },
    ]);
  });

  it("answers declared errors with their statuses", async () => {
    expect(await client["getItem"]!({ id: "00000000-0000-0000-0000-000000000410" })).toEqual({
      ok: false,
      kind: "error",
      status: 410,
      error: { tag: "Gone" },
    });
    expect(await client["getItem"]!({ id: randomUUID() })).toEqual({
      ok: false,
      kind: "error",
      status: 404,
      error: { tag: "NotFound" },
    });
  });

  it("merges path parameters with a PATCH body, requires a session, and answers 204", async () => {
    const [id, item] = [...items].find(([, i]) => i.name === "pear")!;
    expect(await client["updateItem"]!({ id, name: "quince" })).toEqual({
      ok: false,
      kind: "unauthorized",
      status: 401,
    });
    expect((await rawRequest(`${url}/login`, { method: "POST", jar })).status).toBe(200);
    expect(await client["updateItem"]!({ id, name: "quince" })).toEqual({
      ok: true,
      value: { ...item, name: "quince" },
    });
    expect(await client["updateItem"]!({ id, name: "quince" })).toEqual({
      ok: false,
      kind: "error",
      status: 409,
      error: { tag: "Conflict", current: { ...item, name: "quince" } },
    });
    const tooLong = await rawRequest(`${url}/api/items/${id}`, {
      method: "PATCH",
      jar,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "x".repeat(81), id: "ignored" }),
    });
    expect(JSON.parse(tooLong.body)).toEqual({
      tag: "ValidationFailed",
      issues: [{ path: "$.name", message: "expected at most 80 characters" }],
    });
    expect(await client["deleteItem"]!({ id })).toEqual({ ok: true, value: undefined });
    const raw = await rawRequest(`${url}/api/items/${id}`, { method: "DELETE", jar });
    expect([raw.status, raw.body]).toEqual([204, ""]);
  });

  it("calls an endpoint without a request", async () => {
    expect(await client["health"]!()).toEqual({ ok: true, value: { ok: true } });
  });
});
