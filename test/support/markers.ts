/**
 * Expected diagnostics written in the schema itself, so tests need no offsets:
 *
 *     record A { a: Strin }
 *     //            ~~~~~ HAM0201        (the span on the line above; `^` works too)
 *     // expect HAM0105 at 1:1           (start only)
 *     // expect HAM0102 at 3:1-3:20      (start and end)
 *
 * Marker lines never count as "the line above" for the next marker.
 */
export interface Expectation {
  readonly file: string;
  readonly code: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

const TILDES = /^(\s*\/\/\s*?)([~^]+)\s+(HAM\d{4})\s*$/;
const EXPLICIT = /^\s*\/\/\s*expect\s+(HAM\d{4})\s+at\s+(\d+):(\d+)(?:-(\d+):(\d+))?\s*$/;

export function isMarkerLine(line: string): boolean {
  return TILDES.test(line) || EXPLICIT.test(line);
}

export function readExpectations(file: string, text: string): Expectation[] {
  const lines = text.split("\n");
  const result: Expectation[] = [];
  let target = 0;
  lines.forEach((line, index) => {
    const tildes = TILDES.exec(line);
    const explicit = EXPLICIT.exec(line);
    if (tildes) {
      const column = tildes[1]!.length + 1;
      result.push({
        file,
        code: tildes[3]!,
        line: target,
        column,
        endLine: target,
        endColumn: column + tildes[2]!.length,
      });
    } else if (explicit) {
      const [, code, l, c, el, ec] = explicit;
      result.push({
        file,
        code: code!,
        line: Number(l),
        column: Number(c),
        ...(el ? { endLine: Number(el), endColumn: Number(ec) } : {}),
      });
    } else {
      target = index + 1;
    }
  });
  return result;
}

/** `// features: database=off event_store=off` in the first lines. */
export function readFeatures(text: string): { database: boolean; eventStore: boolean } {
  const match = /^\/\/\s*features:(.*)$/m.exec(text.split("\n").slice(0, 3).join("\n"));
  const features = { database: true, eventStore: true };
  for (const setting of match?.[1]?.trim().split(/\s+/) ?? []) {
    const [key, value] = setting.split("=");
    const on = value === "on";
    if (key === "database") features.database = on;
    if (key === "event_store") features.eventStore = on;
  }
  return features;
}

export function formatExpectation(e: Expectation): string {
  const end = e.endLine !== undefined ? `-${e.endLine}:${e.endColumn}` : "";
  return `${e.file}:${e.line}:${e.column}${end} ${e.code}`;
}
