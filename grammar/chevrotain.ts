/**
 * Chevrotain, loaded from the single-file ESM bundle the package ships. The package's main
 * entry is ~200 modules plus lodash-es; the bundle loads about ten times faster, which is most
 * of `hamletc`'s start-up. Every grammar module imports Chevrotain from here, so token types
 * and parser classes come from one module instance.
 */
import type * as Chevrotain from "chevrotain";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

const entry = createRequire(import.meta.url).resolve("chevrotain"); // .../chevrotain/lib/src/api.js
const chevrotain = (await import(
  pathToFileURL(join(dirname(entry), "..", "chevrotain.mjs")).href
)) as typeof Chevrotain;

export const { createToken, EmbeddedActionsParser, EOF, getLookaheadPaths, Lexer, LLkLookaheadStrategy, tokenMatcher } =
  chevrotain;
export type {
  ILexingResult,
  ILookaheadStrategy,
  IOrAlt,
  IParserErrorMessageProvider,
  IToken,
  TokenType,
} from "chevrotain";
/** The lexer class as a type. */
export type Lexer = Chevrotain.Lexer;
