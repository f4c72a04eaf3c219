/**
 * The language server (`hamletc lsp`): JSON-RPC over stdio. Diagnostics on open and change
 * (for the file and every open file that imports it), hover, go to definition, completion,
 * document symbols and formatting.
 */
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node.js";
import { TextDocument } from "vscode-languageserver-textdocument";
import { parse } from "../../grammar/parser.js";
import { completion } from "./completion.js";
import { definition } from "./definition.js";
import { dependentsOf, diagnosticsFor } from "./diagnostics.js";
import { formatting } from "./formatting.js";
import { hover } from "./hover.js";
import { OffsetMap } from "./ranges.js";
import { documentSymbols } from "./symbols.js";
import { pathToUri, uriToPath } from "./uri.js";
import { Workspace } from "./workspace.js";

/** Runs a request handler, turning an internal error into a log line and an empty answer. */
function guarded<A extends unknown[], R>(
  connection: Connection,
  empty: R,
  handler: (...args: A) => R,
): (...args: A) => R {
  return (...args) => {
    try {
      return handler(...args);
    } catch (error) {
      connection.console.error(
        `hamlet: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      return empty;
    }
  };
}

export function startServer(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Connection {
  const connection = createConnection(ProposedFeatures.all, input, output);
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace(documents);
  /** Validations waiting for the messages already received to be handled (see `schedule`). */
  const timers = new Map<string, NodeJS.Immediate>();

  /** The URI the client used for an open file; a file URI for the others. */
  const uriOf = (path: string): string =>
    documents.all().find((d) => uriToPath(d.uri) === path)?.uri ?? pathToUri(path);

  const publish = guarded(connection, undefined, (uri: string): void => {
    const document = documents.get(uri);
    if (!document) return;
    const path = uriToPath(uri);
    void connection.sendDiagnostics({
      uri,
      version: document.version,
      diagnostics: diagnosticsFor(workspace, path, document.getText()),
    });
  });

  // The edited file's diagnostics go out first; the open files that import it follow in a
  // later turn, so an edit that arrives meanwhile is handled before them.
  const publishDependents = guarded(connection, undefined, (uri: string): void => {
    for (const dependent of dependentsOf(workspace, uriToPath(uri))) publish(uriOf(dependent));
  });
  const validate = (uri: string): void => {
    publish(uri);
    setImmediate(() => publishDependents(uri));
  };

  /**
   * Validates after the messages already read are handled (no fixed delay): a burst of changes
   * that arrived together is validated once, a single keystroke at once.
   */
  const schedule = (uri: string): void => {
    const waiting = timers.get(uri);
    if (waiting !== undefined) clearImmediate(waiting);
    timers.set(
      uri,
      setImmediate(() => {
        timers.delete(uri);
        validate(uri);
      }),
    );
  };

  connection.onInitialize((): InitializeResult => ({
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      completionProvider: { triggerCharacters: ["@", ":", "<"] },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
    },
    serverInfo: { name: "hamletc lsp", version: "0.1.0" },
  }));

  documents.onDidOpen((e) => schedule(e.document.uri));
  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    const waiting = timers.get(e.document.uri);
    if (waiting !== undefined) clearImmediate(waiting);
    timers.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    for (const dependent of dependentsOf(workspace, uriToPath(e.document.uri))) schedule(uriOf(dependent));
  });
  // A schema file or hamlet.toml changed on disk: open files may see different imports or features.
  connection.onDidChangeWatchedFiles(() => {
    for (const document of documents.all()) schedule(document.uri);
  });

  const at = (uri: string, position: { line: number; character: number }) => {
    const document = documents.get(uri);
    if (!document) return undefined;
    const text = document.getText();
    return { path: uriToPath(uri), text, offset: new OffsetMap(text).offset(position) };
  };

  connection.onHover(
    guarded(connection, null, (params) => {
      const p = at(params.textDocument.uri, params.position);
      return p ? hover(workspace, p.path, p.text, p.offset) : null;
    }),
  );
  connection.onDefinition(
    guarded(connection, null, (params) => {
      const p = at(params.textDocument.uri, params.position);
      return p ? definition(workspace, p.path, p.offset, uriOf) : null;
    }),
  );
  connection.onCompletion(
    guarded(connection, [], (params) => {
      const p = at(params.textDocument.uri, params.position);
      return p ? completion(workspace, p.path, p.text, p.offset) : [];
    }),
  );
  connection.onDocumentSymbol(
    guarded(connection, [], (params) => {
      const document = documents.get(params.textDocument.uri);
      if (!document) return [];
      const text = document.getText();
      return documentSymbols(parse(text, uriToPath(document.uri)).document, text, new OffsetMap(text));
    }),
  );
  connection.onDocumentFormatting(
    guarded(connection, [], (params) => {
      const document = documents.get(params.textDocument.uri);
      return document ? formatting(document.getText(), uriToPath(document.uri)) : [];
    }),
  );

  documents.listen(connection);
  connection.listen();
  return connection;
}
