/** Expanding the `schema` globs of a configuration into files. */
import { globSync } from "tinyglobby";
import { diagnostic } from "../diagnostics/messages.js";
import type { Diagnostic } from "../diagnostics/types.js";
import type { HamletConfig } from "./load.js";

/**
 * The schema files of a configuration: absolute paths, sorted and without duplicates. Globs are
 * relative to `config.rootDir`; `node_modules` and `.git` are skipped unless a glob names them.
 * A glob that matches nothing is HAM0704 at the glob in hamlet.toml. An empty result
 * (`schema = []`) is not reported here: the caller reports HAM0707 once for all sources of files.
 */
export function resolveSchemaFiles(config: HamletConfig): { files: string[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const found = new Set<string>();
  const { patterns, spans } = config.schema;
  patterns.forEach((pattern, i) => {
    const ignore = ["node_modules", ".git"].filter((dir) => !pattern.includes(dir)).map((dir) => `**/${dir}/**`);
    const matches = globSync([pattern], {
      cwd: config.rootDir,
      absolute: true,
      onlyFiles: true,
      expandDirectories: false,
      ignore,
    });
    if (matches.length === 0) diagnostics.push(diagnostic("HAM0704", spans[i], { pattern }));
    for (const match of matches) found.add(match);
  });
  return { files: [...found].sort(), diagnostics };
}
