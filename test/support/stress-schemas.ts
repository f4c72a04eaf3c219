/** Schemas whose names grow so that every generated construct crosses 100 columns somewhere. */
/** Names of growing length, so some line of every construct falls on each side of 100 columns. */
export function stressSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of [1, 8, 20, 34, 50, 70]) {
    const long = (base: string) => `${base}${"x".repeat(n)}`;
    const T = long("Type");
    const f = long("field_");
    const lines = ["package stress", ""];
    lines.push(`enum ${long("Mode")} { ${[1, 2, 3, 4, 5, 6].map((i) => long(`Mode${i}`)).join(", ")} }`, "");
    lines.push(
      `/// Tagged.`,
      `enum ${long("Shape")} {`,
      `  /// First.`,
      `  ${long("Circle")} { ${f}: Float @range(0, 100) }`,
    );
    lines.push(
      `  ${long("Square")} { ${f}: List<Map<String, List<Int?>>> @maxItems(3), other_${f}: Timestamp? }`,
      `  Point`,
      `}`,
      "",
    );
    lines.push(`alias ${long("Alias")} = List<Map<String, ${T}?>>`, "");
    lines.push(`record ${T} {`);
    lines.push(`  ${f}: String @length(1, 12345) @pattern("^[a-z0-9_]{3,20}${"[a-z]".repeat(n % 30)}$")`);
    lines.push(`  ${f}_int: Int @range(-123456, 123456) = 42`);
    lines.push(`  ${f}_list: List<List<Map<String, Uuid>>> @minItems(1) @maxItems(12345)`);
    lines.push(`  ${f}_mode: ${long("Mode")} = ${long("Mode3")}`);
    lines.push(`  ${f}_shape: ${long("Shape")}?`);
    lines.push(`  ${f}_when: Timestamp = "2024-02-29T12:00:00.250+02:00"`);
    lines.push(`  ${f}_tags: List<String> = ["${"a".repeat(n)}", "b", "c"]`);
    lines.push(`  ${f}_email: String? @format(email)`);
    lines.push(`  ${f}_bytes: Bytes?`, `  ${f}_date: Date?`, `  ${f}_json: Json`, `}`, "");
    lines.push(`@auth(session)`, `endpoint ${long("Update")}: PUT "/api/${"segment/".repeat(n % 9)}{id}" {`);
    lines.push(`  request { id: Uuid, item: ${T}, ${f}_note: String? }`, `  response List<${T}>`);
    lines.push(`  errors { ${long("NotFound")} @status(404), ${long("Conflict")} { current: ${T} } }`, `}`, "");
    lines.push(
      `endpoint ${long("Search")}: GET "/api/search" {`,
      `  request { q: String?, ${f}_tags: List<String>?, limit: Int = 10 }`,
    );
    lines.push(`  response ${long("Alias")}`, `}`, "");
    lines.push(`@table("${long("table_")}")`, `model ${long("Model")} {`, `  id: Uuid @primary @default(uuid)`);
    // Column names stay within PostgreSQL's 63 characters (longer ones are a schema error).
    const c = f.slice(0, 50);
    lines.push(
      `  ${c}: String @index`,
      `  ${c}_json: Json?`,
      `  ${c}_mode: ${long("Mode")} @default(${long("Mode2")})`,
    );
    lines.push(`  ${c}_at: Timestamp @default(now)`, `}`, "");
    out[`stress${n}`] = lines.join("\n");
  }
  return out;
}
