/**
 * Prettier for generated TypeScript, fast enough for large schemas.
 *
 * Generated files are long runs of independent top-level statements separated by blank lines,
 * so they are formatted in chunks of statements (memory stays bounded: one 40 MB file
 * exhausted the heap) with the `babel-ts` parser (about twice as fast as `typescript` on
 * this code). The golden tests check that the result is exactly what Prettier gives for the
 * whole file.
 */
const CHUNK_CHARS = 200_000;
/** A blank line followed by the start of a top-level statement or its doc comment. */
const STATEMENT_BOUNDARY = /\n\n(?=(?:export |function |const |let |interface |type |import |declare |\/\*\*|\/\/))/;

export async function formatTypeScript(code: string, printWidth = 100): Promise<string> {
  const prettier = await import("prettier");
  const statements = code.split(STATEMENT_BOUNDARY);
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
