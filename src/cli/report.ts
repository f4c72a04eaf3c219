/** Prints diagnostics in the chosen format. Human output goes to stderr; JSON to stdout. */
import { renderHuman, summary, toJson } from "../diagnostics/render.js";
import type { Diagnostic } from "../diagnostics/types.js";

export type OutputFormat = "human" | "json";

export interface Reporter {
  readonly format: OutputFormat;
  /** Prints diagnostics (JSON: collected and printed once by `flush`). */
  diagnostics(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>): void;
  /** A progress or result line for people; silent in JSON mode. */
  info(line: string): void;
  flush(): void;
}

export function createReporter(format: OutputFormat): Reporter {
  const collected: ReturnType<typeof toJson>[] = [];
  const color = !process.env["NO_COLOR"] && process.stderr.isTTY === true;
  return {
    format,
    diagnostics(diagnostics, sources) {
      if (format === "json") {
        collected.push(...diagnostics.map((d) => toJson(d, sources)));
        return;
      }
      for (const d of diagnostics) process.stderr.write(`${renderHuman(d, sources, { color })}\n`);
      if (diagnostics.length > 0) process.stderr.write(`${summary(diagnostics)}\n`);
    },
    info(line) {
      if (format === "human") process.stderr.write(`${line}\n`);
    },
    flush() {
      if (format === "json") process.stdout.write(`${JSON.stringify(collected, null, 2)}\n`);
      collected.length = 0;
    },
  };
}
