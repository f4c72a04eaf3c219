/**
 * Chevrotain's LL(k) lookahead, from a table made ahead of time. `performSelfAnalysis` otherwise
 * works out the lookahead paths of every alternation and repetition of the grammar on each start
 * (a good part of building the parser, and of a cold parse when done lazily). The paths depend on
 * the grammar only, so they are computed once (`computeLookaheadTable` in ./parser.ts) and
 * committed in ./lookahead-table.ts; test/lookahead-table.test.ts fails when the table is stale
 * (`RECORD=1` rewrites it). The functions built from the paths are those of Chevrotain 11's
 * `LLkLookaheadStrategy` (`buildAlternativesLookAheadFunc`, `buildSingleAlternativeLookaheadFunction`),
 * which the package does not export. A production missing from the table (a grammar edited
 * without regenerating it) gets Chevrotain's own lookahead, built when first used.
 */
import {
  getLookaheadPaths,
  LLkLookaheadStrategy,
  tokenMatcher,
  type ILookaheadStrategy,
  type IToken,
  type TokenType,
} from "./chevrotain.js";

type Strategy = ILookaheadStrategy;
type AlternationOptions = Parameters<Strategy["buildLookaheadForAlternation"]>[0];
type OptionalOptions = Parameters<Strategy["buildLookaheadForOptional"]>[0];
type AlternationLookahead = ReturnType<Strategy["buildLookaheadForAlternation"]>;
type OptionalLookahead = ReturnType<Strategy["buildLookaheadForOptional"]>;

/** A path: the token types of the next k tokens. An alternative has several paths. */
type Path = readonly TokenType[];

/** Paths by production (`rule/kind/occurrence`), as token names: one list per alternative. */
export type LookaheadTable = Readonly<Record<string, readonly (readonly (readonly string[])[])[]>>;

/** What Chevrotain calls a lookahead function with as `this`: the parser. */
interface Lookahead {
  LA_FAST(howMuch: number): IToken;
}

function productionKey(rule: string, kind: string, occurrence: number): string {
  return `${rule}/${kind}/${occurrence}`;
}

/** Does any alternative's next token match a path? The generic loop of both builders. */
function matchesPath(parser: Lookahead, paths: readonly Path[]): boolean {
  nextPath: for (const path of paths) {
    for (let i = 0; i < path.length; i++) if (!tokenMatcher(parser.LA_FAST(i + 1), path[i]!)) continue nextPath;
    return true;
  }
  return false;
}

/** `buildAlternativesLookAheadFunc`: which alternative the next tokens choose. */
function alternativesLookahead(
  alternatives: readonly (readonly Path[])[],
  hasPredicates: boolean,
  dynamicTokensEnabled: boolean,
): AlternationLookahead {
  if (hasPredicates) {
    return function (this: Lookahead, orAlts) {
      for (let a = 0; a < alternatives.length; a++) {
        const gate = orAlts?.[a]?.GATE;
        if (gate !== undefined && gate.call(this) === false) continue;
        if (matchesPath(this, alternatives[a]!)) return a;
      }
      return undefined;
    };
  }
  if (!dynamicTokensEnabled && alternatives.every((paths) => paths.every((p) => p.length === 1))) {
    // One token decides: a table from token type (and the types in its categories) to alternative.
    const choice: number[] = [];
    alternatives.forEach((paths, a) => {
      for (const [type] of paths) {
        choice[type!.tokenTypeIdx!] ??= a;
        for (const extending of type!.categoryMatches ?? []) choice[extending] ??= a;
      }
    });
    return function (this: Lookahead) {
      return choice[this.LA_FAST(1).tokenTypeIdx!];
    };
  }
  return function (this: Lookahead) {
    for (let a = 0; a < alternatives.length; a++) if (matchesPath(this, alternatives[a]!)) return a;
    return undefined;
  };
}

/** `buildSingleAlternativeLookaheadFunction`: does the optional part start here? */
function optionalLookahead(paths: readonly Path[], dynamicTokensEnabled: boolean): OptionalLookahead {
  if (!dynamicTokensEnabled && paths.every((p) => p.length === 1)) {
    const types = paths.map(([type]) => type!);
    if (types.length === 1 && (types[0]!.categoryMatches ?? []).length === 0) {
      const expected = types[0]!.tokenTypeIdx;
      return function (this: Lookahead) {
        return this.LA_FAST(1).tokenTypeIdx === expected;
      };
    }
    const starts: boolean[] = [];
    for (const type of types) {
      starts[type.tokenTypeIdx!] = true;
      for (const extending of type.categoryMatches ?? []) starts[extending] = true;
    }
    return function (this: Lookahead) {
      return starts[this.LA_FAST(1).tokenTypeIdx!] === true;
    };
  }
  return function (this: Lookahead) {
    return matchesPath(this, paths);
  };
}

export class TableLookaheadStrategy extends LLkLookaheadStrategy {
  readonly #table: LookaheadTable;
  readonly #types: ReadonlyMap<string, TokenType>;

  /** `tokens`: every token type the table names. */
  constructor(maxLookahead: number, table: LookaheadTable, tokens: readonly TokenType[]) {
    super({ maxLookahead });
    this.#table = table;
    this.#types = new Map(tokens.map((type) => [type.name, type]));
  }

  #paths(rule: string, kind: string, occurrence: number): Path[][] | undefined {
    const named = this.#table[productionKey(rule, kind, occurrence)];
    if (named === undefined) return undefined;
    const types = named.map((paths) => paths.map((path) => path.map((name) => this.#types.get(name))));
    return types.every((paths) => paths.every((path) => path.every((type) => type !== undefined)))
      ? (types as Path[][])
      : undefined;
  }

  override buildLookaheadForAlternation(options: AlternationOptions): AlternationLookahead {
    const paths = this.#paths(options.rule.name, "Alternation", options.prodOccurrence);
    if (paths !== undefined) return alternativesLookahead(paths, options.hasPredicates, options.dynamicTokensEnabled);
    const build = (): AlternationLookahead => super.buildLookaheadForAlternation(options);
    let built: AlternationLookahead | undefined;
    return function (this: unknown, alternatives) {
      built ??= build();
      return built.call(this, alternatives);
    };
  }

  override buildLookaheadForOptional(options: OptionalOptions): OptionalLookahead {
    const paths = this.#paths(options.rule.name, options.prodType, options.prodOccurrence);
    if (paths !== undefined && paths.length === 1) return optionalLookahead(paths[0]!, options.dynamicTokensEnabled);
    const build = (): OptionalLookahead => super.buildLookaheadForOptional(options);
    let built: OptionalLookahead | undefined;
    return function (this: unknown) {
      built ??= build();
      return built.call(this);
    };
  }
}

/**
 * A strategy that records the lookahead paths of every production while Chevrotain's own
 * strategy builds the functions: building a parser with it fills `table`.
 */
export class RecordingLookaheadStrategy extends LLkLookaheadStrategy {
  readonly table: Record<string, string[][][]> = {};

  constructor(maxLookahead: number) {
    super({ maxLookahead });
  }

  override buildLookaheadForAlternation(options: AlternationOptions): AlternationLookahead {
    const paths = getLookaheadPaths({
      occurrence: options.prodOccurrence,
      rule: options.rule,
      prodType: "Alternation",
      maxLookahead: options.maxLookahead,
    });
    this.table[productionKey(options.rule.name, "Alternation", options.prodOccurrence)] = names(paths);
    return super.buildLookaheadForAlternation(options);
  }

  override buildLookaheadForOptional(options: OptionalOptions): OptionalLookahead {
    // Chevrotain's optional lookahead reads only the paths into the optional part (the first).
    const [inside = []] = getLookaheadPaths({
      occurrence: options.prodOccurrence,
      rule: options.rule,
      prodType: options.prodType,
      maxLookahead: options.maxLookahead,
    });
    this.table[productionKey(options.rule.name, options.prodType, options.prodOccurrence)] = names([inside]);
    return super.buildLookaheadForOptional(options);
  }
}

function names(alternatives: readonly (readonly Path[])[]): string[][][] {
  return alternatives.map((paths) => paths.map((path) => path.map((type) => type.name)));
}

/** The table as the TypeScript module ./lookahead-table.ts, keys sorted. */
export function renderLookaheadTable(table: LookaheadTable): string {
  const entries = Object.keys(table)
    .sort()
    .map((key) => `  ${JSON.stringify(key)}: ${JSON.stringify(table[key])},`);
  return [
    "// Generated by test/lookahead-table.test.ts (RECORD=1 npx vitest run test/lookahead-table.test.ts); do not edit.",
    "// The LL(k) lookahead paths of every production of the grammar in ./parser.ts (see ./lookahead.ts).",
    'import type { LookaheadTable } from "./lookahead.js";',
    "",
    "export const lookaheadTable: LookaheadTable = {",
    ...entries,
    "};",
    "",
  ].join("\n");
}
