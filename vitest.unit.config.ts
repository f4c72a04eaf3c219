/**
 * The fast tier (`npm run test:unit`): the language, the checker and the emitters in-process.
 * No global setup (nothing is built), no compilers, databases, servers or browsers; `npm test`
 * runs these and everything else.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "test/corpus.test.ts",
      "test/parser.property.test.ts",
      "test/lookahead-table.test.ts",
      "test/collect-names.property.test.ts",
      "test/reparse.property.test.ts",
      "test/staged-output.test.ts",
      "test/deep-chain.test.ts",
      "test/watch-rebuild.property.test.ts",
      "test/config.test.ts",
      "test/format.test.ts",
      "test/format.property.test.ts",
      "test/colorization.test.ts",
      "test/textmate.test.ts",
      "test/emitters.test.ts",
      "test/emitter-diagnostics.test.ts",
      "test/emitter-boundaries.test.ts",
      "test/examples.test.ts",
      "test/elm-emitter.test.ts",
      "test/elm-golden.test.ts",
      "test/typescript-validators.test.ts",
      "test/openapi-emit.test.ts",
      "test/openapi-shapes.test.ts",
      "test/docs-emit.test.ts",
      "test/spec-docs.test.ts",
      "runtime-node/test/cookies.test.ts",
      "runtime-node/test/placeholders.test.ts",
      "runtime-node/test/tenant.test.ts",
    ],
    exclude: ["**/node_modules/**", "test/.tmp/**"],
    testTimeout: 60_000,
    // In-process tests with no shared state: one module graph per worker, not per file.
    isolate: false,
  },
});
