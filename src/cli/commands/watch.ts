/** `hamletc build --watch`: rebuild whenever a schema file or hamlet.toml changes. */
import { watch, type FSWatcher } from "node:fs";
import { dirname, resolve } from "node:path";
import { findConfig } from "../../config/index.js";
import type { Reporter } from "../report.js";
import { runBuild, type BuildOptions } from "./build.js";
import { loadProject } from "../project.js";
import { CompileCache } from "../../program/compile-cache.js";

/** Runs until interrupted; resolves when the process is asked to stop. */
export async function watchBuild(options: BuildOptions, reporter: Reporter): Promise<never> {
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  // Only edited files are parsed and only what an edit touches is checked again; only changed
  // output files are written (runBuild).
  const cache = new CompileCache();

  const folders = (): string[] => {
    const { project } = loadProject(options);
    const files = project?.files ?? options.files.map((f) => resolve(f));
    const config = options.config ? resolve(options.config) : findConfig(process.cwd());
    return [...new Set([...files.map((f) => dirname(f)), ...(config ? [dirname(config)] : [])])];
  };
  let watched = "";
  const rewatch = (): void => {
    // Watchers are replaced only when the set of folders changed: replacing them on every build
    // would miss a save that lands between closing the old ones and opening the new ones.
    const wanted = folders();
    if (wanted.join("\n") === watched) return;
    watched = wanted.join("\n");
    for (const w of watchers) w.close();
    watchers = wanted.map((folder) =>
      watch(folder, (_event, name) => {
        if (name && !/\.hamlet$|hamlet\.toml$/.test(name.toString())) return;
        clearTimeout(timer);
        timer = setTimeout(rebuild, 10); // editors save in bursts of events
      }),
    );
  };
  const rebuild = (): void => {
    running = running.then(async () => {
      reporter.info(`\n[${new Date().toLocaleTimeString()}] Building…`);
      await runBuild(options, reporter, cache);
      reporter.flush();
      rewatch();
    });
  };
  rebuild();
  return new Promise<never>(() => undefined);
}
