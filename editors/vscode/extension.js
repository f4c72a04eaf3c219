// @ts-check
/**
 * VS Code entry point: starts `hamletc lsp` over stdio and connects it to `.hamlet` documents.
 * Highlighting needs no server: it comes from syntaxes/hamlet.tmLanguage.json, generated from
 * the compiler's token module.
 */
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/**
 * The hamletc command: the configured path, else the workspace's node_modules/.bin/hamletc,
 * else `hamletc` from PATH.
 * @returns {string}
 */
function serverCommand() {
  const configured = vscode.workspace.getConfiguration("hamlet").get("server.path", "hamletc");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (configured !== "hamletc") {
    return folder && !path.isAbsolute(configured) && configured.includes("/")
      ? path.resolve(folder, configured)
      : configured;
  }
  if (folder) {
    const local = path.join(folder, "node_modules", ".bin", process.platform === "win32" ? "hamletc.cmd" : "hamletc");
    if (fs.existsSync(local)) return local;
  }
  return "hamletc";
}

/** @returns {LanguageClient} */
function createClient() {
  const args = vscode.workspace.getConfiguration("hamlet").get("server.args", []);
  /** @type {import("vscode-languageclient/node").Executable} */
  const run = {
    command: serverCommand(),
    args: ["lsp", ...args],
    transport: TransportKind.stdio,
    options: { shell: process.platform === "win32" },
  };
  return new LanguageClient(
    "hamlet",
    "Hamlet Language Server",
    { run, debug: run },
    {
      documentSelector: [{ language: "hamlet" }],
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.hamlet,hamlet.toml}"),
      },
    },
  );
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  client = createClient();
  context.subscriptions.push(
    vscode.commands.registerCommand("hamlet.restartServer", async () => {
      if (client) await client.stop();
      client = createClient();
      await client.start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration("hamlet.server")) return;
      await vscode.commands.executeCommand("hamlet.restartServer");
    }),
  );
  try {
    await client.start();
  } catch (error) {
    void vscode.window.showWarningMessage(
      `Hamlet: could not start \`${serverCommand()} lsp\` (${error instanceof Error ? error.message : String(error)}). ` +
        "Highlighting still works; install hamletc or set hamlet.server.path for diagnostics.",
    );
  }
}

async function deactivate() {
  if (client) await client.stop();
  client = undefined;
}

module.exports = { activate, deactivate };
