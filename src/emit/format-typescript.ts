/**
 * Prettier for generated TypeScript, fast enough for large schemas.
 *
 * Generated files are long runs of independent top-level statements. Emitters join them with
 * `TOP_LEVEL_BREAK`, and the file is formatted in chunks of statements (memory stays bounded:
 * one 40 MB file exhausted the heap) with the `babel-ts` parser (about twice as fast as
 * `typescript` on this code). The result is what Prettier gives for the whole file; the golden
 * tests and test/format-typescript.test.ts check it.
 */
const CHUNK_CHARS = 200_000;

/**
 * Joins top-level statements where the formatter may cut the file. Only the emitter knows
 * where statements end (a blank line inside an interface is not a boundary), so it says so.
 */
export const TOP_LEVEL_BREAK = "\n\n/* hamlet:top-level-break */\n\n";

export async function formatTypeScript(code: string, printWidth = 100): Promise<string> {
  const prettier = await import("prettier");
  const statements = code.split(TOP_LEVEL_BREAK);
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  for (const statement of statements) {
    current.push(statement);
    size += statement.length;
    if (size >= CHUNK_CHARS) {
      chunks.push(current.join("\n\n"));
      current = [];
      size = 0;
    }
  }
  if (current.length > 0) chunks.push(current.join("\n\n"));
  const formatted: string[] = [];
  for (const chunk of chunks)
    formatted.push((await prettier.format(chunk, { parser: "babel-ts", printWidth })).trimEnd());
  return `${formatted.join("\n\n")}\n`;
}
