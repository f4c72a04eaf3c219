/** `hamletc lsp`: the language server over stdio, for editors. */
import { startServer } from "../../lsp/server.js";

/** Starts the server; it runs until the client sends `exit` (or closes stdin). */
export function runLsp(): void {
  startServer();
}
