/**
 * Names of the built-in emitters, without loading them: commands that only read hamlet.toml
 * (check, fmt) use this to validate `[hamlet.emitters.<name>]` and start faster.
 * test/emitters.test.ts keeps it equal to the registry in ./index.ts.
 */
export const builtinEmitterNames: readonly string[] = [
  "json",
  "elm",
  "openapi",
  "sql",
  "repository",
  "docs",
  "typescript",
];
