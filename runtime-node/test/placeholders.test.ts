import { describe, expect, it } from "vitest";
import { toPositional } from "../src/db/placeholders.js";

describe("toPositional", () => {
  it("rewrites $n to ? and orders params by occurrence", () => {
    expect(toPositional("select * from t where a = $2 and b = $1 or c = $2", ["x", "y"])).toEqual({
      sql: "select * from t where a = ? and b = ? or c = ?",
      params: ["y", "x", "y"],
    });
  });

  it("leaves placeholders inside literals, quoted identifiers and comments alone", () => {
    const sql = `select '$1', 'it''s $2', "col$1", $1 -- $2\n/* $2 */ , $10`;
    const params = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(toPositional(sql, params)).toEqual({
      sql: `select '$1', 'it''s $2', "col$1", ? -- $2\n/* $2 */ , ?`,
      params: [1, 10],
    });
  });

  it("rejects placeholders without a parameter", () => {
    expect(() => toPositional("select $2", ["a"])).toThrow(/\$2/);
    expect(() => toPositional("select $0", ["a"])).toThrow();
  });
});
