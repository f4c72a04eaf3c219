/**
 * Chevrotain's LL(k) lookahead, built on first use instead of up front. `performSelfAnalysis`
 * otherwise computes the lookahead of every alternation and repetition of the grammar (about
 * half of building the parser, ~30 ms of every `hamletc` start-up), although checking a small
 * file visits only a few of them. The decisions are the same: each function is the one
 * `LLkLookaheadStrategy` builds, made when the parser first reaches that production.
 */
import { LLkLookaheadStrategy, type ILookaheadStrategy } from "./chevrotain.js";

type Strategy = ILookaheadStrategy;
type AlternationOptions = Parameters<Strategy["buildLookaheadForAlternation"]>[0];
type OptionalOptions = Parameters<Strategy["buildLookaheadForOptional"]>[0];
type AlternationLookahead = ReturnType<Strategy["buildLookaheadForAlternation"]>;
type OptionalLookahead = ReturnType<Strategy["buildLookaheadForOptional"]>;

export class LazyLookaheadStrategy implements ILookaheadStrategy {
  readonly #eager: Strategy & { validate: Strategy["validate"] };

  constructor(maxLookahead: number) {
    this.#eager = new LLkLookaheadStrategy({ maxLookahead });
  }

  validate(options: Parameters<Strategy["validate"]>[0]): ReturnType<Strategy["validate"]> {
    return this.#eager.validate(options);
  }

  buildLookaheadForAlternation(options: AlternationOptions): AlternationLookahead {
    const eager = this.#eager;
    let built: AlternationLookahead | undefined;
    // Chevrotain calls lookahead functions with the parser as `this` (they read `this.LA(i)`).
    return function (this: unknown, alternatives) {
      built ??= eager.buildLookaheadForAlternation(options);
      return built.call(this, alternatives);
    };
  }

  buildLookaheadForOptional(options: OptionalOptions): OptionalLookahead {
    const eager = this.#eager;
    let built: OptionalLookahead | undefined;
    return function (this: unknown) {
      built ??= eager.buildLookaheadForOptional(options);
      return built.call(this);
    };
  }
}
