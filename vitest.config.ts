import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "runtime-node/test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "test/.tmp/**"],
    globalSetup: ["test/global-setup.ts"],
    // Tests run real compilers, databases and browsers on 2 cores: be patient, never time-sensitive.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
