/**
 * What the server knows: the open documents (unsaved text wins over the disk), the features of
 * each file's project, and loading or compiling a file with everything it imports.
 */
import { dirname } from "node:path";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Document } from "../ast/nodes.js";
import { namingOf } from "../../emitters/naming.js";
import { emitterEnabled, findConfig, loadConfig } from "../config/index.js";
import { compile, type CompileResult } from "../program/compile.js";
import { nodeHost, overlayHost, type CompilerHost } from "../program/host.js";
import { loadDocuments } from "../program/load.js";
import { CompileCache } from "../program/compile-cache.js";
import type { Features } from "../schema/types.js";
import { uriToPath } from "./uri.js";

const ALL_ON: Features = { database: true, eventStore: true };

export interface Loaded {
  /** The file and everything it imports, imports first. */
  readonly documents: Document[];
  readonly sources: Map<string, string>;
}

/** The open documents; `TextDocuments` of vscode-languageserver is one. */
export interface OpenDocuments {
  all(): TextDocument[];
}

export class Workspace {
  /**
   * Files parsed and declarations checked by earlier requests: an edit re-parses only the edited
   * declarations and checks again only them and what reads what they changed.
   */
  private readonly cache = new CompileCache();

  constructor(private readonly open: OpenDocuments) {}

  /** Open documents by absolute path. */
  openDocuments(): Map<string, TextDocument> {
    const result = new Map<string, TextDocument>();
    for (const doc of this.open.all()) result.set(uriToPath(doc.uri), doc);
    return result;
  }

  host(): CompilerHost {
    const overlay = new Map<string, string>();
    for (const [path, doc] of this.openDocuments()) overlay.set(path, doc.getText());
    return overlayHost(overlay, this.cache.host(nodeHost));
  }

  /** Features from the nearest hamlet.toml; all on without one (or when it cannot be read). */
  features(path: string): Features {
    const config = findConfig(dirname(path));
    if (!config) return ALL_ON;
    return loadConfig(config).config?.features ?? ALL_ON;
  }

  /** Parses `path` and its imports (no checking). */
  load(path: string): Loaded {
    const { documents, sources } = loadDocuments([path], this.host());
    return { documents, sources };
  }

  compile(path: string): CompileResult {
    const found = findConfig(dirname(path));
    const config = found ? loadConfig(found).config : undefined;
    const naming = namingOf((emitter) => (config ? emitterEnabled(config, emitter) : true));
    return compile({
      entries: [path],
      features: config?.features ?? ALL_ON,
      host: this.host(),
      naming,
      lowered: this.cache.lowered,
    });
  }

  /** The parsed document of `path` among the loaded ones. */
  static documentOf(loaded: Loaded, path: string): Document | undefined {
    return loaded.documents.find((d) => d.file === path);
  }
}
