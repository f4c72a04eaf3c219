/**
 * The committed lookahead table (grammar/lookahead-table.ts) must be exactly what Chevrotain
 * computes for the grammar, and the lookahead functions built from it must choose as
 * Chevrotain's own do. `RECORD=1 npx vitest run test/lookahead-table.test.ts` rewrites the table.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  EOF,
  LLkLookaheadStrategy,
  type ILookaheadStrategy,
  type IToken,
  type TokenType,
} from "../grammar/chevrotain.js";
import { renderLookaheadTable, TableLookaheadStrategy } from "../grammar/lookahead.js";
import { lookaheadTable } from "../grammar/lookahead-table.js";
import { buildParserWith, computeLookaheadTable } from "../grammar/parser.js";
import { allTokens } from "../grammar/tokens.js";
import { repoRoot } from "./support/corpus.js";

const file = join(repoRoot, "grammar", "lookahead-table.ts");
const record = process.env["RECORD"] === "1";

type AlternationOptions = Parameters<ILookaheadStrategy["buildLookaheadForAlternation"]>[0];
type OptionalOptions = Parameters<ILookaheadStrategy["buildLookaheadForOptional"]>[0];

/** Every build request the parser makes, captured while Chevrotain's strategy serves them. */
class Capturing extends LLkLookaheadStrategy {
  readonly alternations: AlternationOptions[] = [];
  readonly optionals: OptionalOptions[] = [];
  override buildLookaheadForAlternation(options: AlternationOptions) {
    this.alternations.push(options);
    return super.buildLookaheadForAlternation(options);
  }
  override buildLookaheadForOptional(options: OptionalOptions) {
    this.optionals.push(options);
    return super.buildLookaheadForOptional(options);
  }
}

describe("lookahead table", () => {
  it("grammar/lookahead-table.ts is the table Chevrotain computes", async () => {
    const rendered = renderLookaheadTable(computeLookaheadTable());
    const formatted = await (await import("prettier")).format(rendered, { parser: "typescript", printWidth: 120 });
    if (record) writeFileSync(file, formatted);
    expect(readFileSync(file, "utf8"), "stale; run RECORD=1 npx vitest run test/lookahead-table.test.ts").toBe(
      formatted,
    );
    expect(Object.keys(lookaheadTable).length).toBeGreaterThan(40);
  });

  it("builds functions that choose as Chevrotain's do, for any next tokens and gates", () => {
    const capturing = new Capturing({ maxLookahead: 2 });
    buildParserWith(capturing);
    const table = new TableLookaheadStrategy(2, lookaheadTable, [...allTokens, EOF]);
    const eager = new LLkLookaheadStrategy({ maxLookahead: 2 });
    expect(capturing.alternations.length + capturing.optionals.length).toBe(Object.keys(lookaheadTable).length);
    const types: TokenType[] = [...allTokens.filter((type) => type.name !== "AnyToken"), EOF];
    const token = (type: TokenType): IToken =>
      ({ tokenType: type, tokenTypeIdx: type.tokenTypeIdx!, image: "" }) as IToken;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...types), { minLength: 2, maxLength: 2 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (next, gates) => {
          const parser = { LA_FAST: (i: number) => token(next[i - 1]!) };
          for (const options of capturing.alternations) {
            const alternatives = Array.from({ length: 12 }, (_, i) => ({
              ALT: () => undefined,
              GATE: () => gates[i]!,
            }));
            expect(table.buildLookaheadForAlternation(options).call(parser, alternatives)).toBe(
              eager.buildLookaheadForAlternation(options).call(parser, alternatives),
            );
          }
          for (const options of capturing.optionals)
            expect(table.buildLookaheadForOptional(options).call(parser)).toBe(
              eager.buildLookaheadForOptional(options).call(parser),
            );
        },
      ),
      { numRuns: 300 },
    );
  });
});
