import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const runtime = (path: string) => fileURLToPath(new URL(`./runtime-node/src/${path}`, import.meta.url));

export default defineConfig({
  // Generated goldens import runtime-node's subpaths by package name; tests load them from source.
  resolve: {
    alias: [
      { find: /^@hamlet\/runtime-node\/validate$/, replacement: runtime("validate/index.ts") },
      { find: /^@hamlet\/runtime-node\/repository$/, replacement: runtime("repository/index.ts") },
    ],
  },
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
