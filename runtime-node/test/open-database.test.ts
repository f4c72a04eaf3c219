import { describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "../src/db/open.js";

describe("parseDatabaseUrl", () => {
  it.each([
    ["postgres://u@h:5432/db", { dialect: "postgres", connectionString: "postgres://u@h:5432/db" }],
    ["postgresql://h/db", { dialect: "postgres", connectionString: "postgresql://h/db" }],
    ["sqlite:data/app.db", { dialect: "sqlite", filename: "data/app.db" }],
    ["sqlite:///var/app.db", { dialect: "sqlite", filename: "/var/app.db" }],
    ["file:app.db", { dialect: "sqlite", filename: "app.db" }],
    ["sqlite::memory:", { dialect: "sqlite", filename: ":memory:" }],
    [":memory:", { dialect: "sqlite", filename: ":memory:" }],
    ["./app.db", { dialect: "sqlite", filename: "./app.db" }],
    ["C:\\data\\app.db", { dialect: "sqlite", filename: "C:\\data\\app.db" }],
  ])("%s", (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it("rejects unknown schemes and empty URLs", () => {
    expect(() => parseDatabaseUrl("mysql://h/db")).toThrow(/mysql/);
    expect(() => parseDatabaseUrl("  ")).toThrow();
    expect(() => parseDatabaseUrl("sqlite:")).toThrow();
  });
});
