/**
 * Works out what a command operates on: the config (hamlet.toml or the bare defaults), the
 * schema files (from the command line or the config's globs), and the flags over both.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { builtinEmitterNames } from "../../emitters/index.js";
import {
  applyOverrides,
  defaultConfig,
  findConfig,
  loadConfig,
  resolveSchemaFiles,
  type HamletConfig,
} from "../config/index.js";
import { diagnostic } from "../diagnostics/messages.js";
import type { Diagnostic } from "../diagnostics/types.js";
import type { Features } from "../schema/types.js";

export interface ProjectOptions {
  readonly files: readonly string[];
  readonly config?: string | undefined;
  readonly out?: string | undefined;
  readonly database?: boolean | undefined;
  readonly eventStore?: boolean | undefined;
}

export interface Project {
  readonly config: HamletConfig;
  readonly files: string[];
  /** Texts of configuration files, for code frames. */
  readonly sources: Map<string, string>;
}

export interface ProjectResult {
  readonly project: Project | undefined;
  /** Texts of configuration files, for code frames, even when loading failed. */
  readonly sources: Map<string, string>;
  readonly diagnostics: Diagnostic[];
}

/** Loads the project; `project` is undefined when the config or the file list is unusable. */
export function loadProject(options: ProjectOptions, cwd = process.cwd()): ProjectResult {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const configPath = options.config ? resolve(cwd, options.config) : findConfig(cwd);
  let config: HamletConfig;
  if (configPath) {
    const loaded = loadConfig(configPath, builtinEmitterNames);
    try {
      sources.set(configPath, readFileSync(configPath, "utf8"));
    } catch {
      // The loader reported it.
    }
    diagnostics.push(...loaded.diagnostics);
    if (!loaded.config || loaded.diagnostics.some((d) => d.severity === "error"))
      return { project: undefined, diagnostics, sources };
    config = loaded.config;
  } else {
    // A bare schema file: every feature and emitter on, output in ./generated.
    config = defaultConfig(cwd);
  }
  const features: Partial<Features> = {
    ...(options.database !== undefined ? { database: options.database } : {}),
    ...(options.eventStore !== undefined ? { eventStore: options.eventStore } : {}),
  };
  const overridden = applyOverrides(config, { out: options.out, features }, cwd);
  diagnostics.push(...overridden.diagnostics);
  config = overridden.config;

  let files: string[];
  if (options.files.length > 0) {
    files = [...new Set(options.files.map((f) => resolve(cwd, f)))];
  } else if (config.file) {
    const resolved = resolveSchemaFiles(config);
    diagnostics.push(...resolved.diagnostics);
    files = resolved.files;
  } else {
    diagnostics.push(diagnostic("HAM0707", undefined));
    return { project: undefined, diagnostics, sources };
  }
  if (files.length === 0 && !diagnostics.some((d) => d.code === "HAM0704"))
    diagnostics.push(diagnostic("HAM0707", undefined));
  if (diagnostics.some((d) => d.severity === "error")) return { project: undefined, diagnostics, sources };
  return { project: { config, files, sources }, diagnostics, sources };
}
