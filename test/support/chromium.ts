/**
 * Headless Chromium for the browser tests (Debian's `chromium`, driven by playwright-core).
 * Without it a developer sees a loud warning and the browser tests skip; under `CI=true` the run
 * fails instead, like the Elm checks (see elm-home.ts).
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";

/** True when Chromium is installed; otherwise warns naming `testFile` and returns false, or throws under `CI=true`. */
export function chromiumReady(testFile: string): boolean {
  if (existsSync(chromiumPath)) return true;
  const message = `${testFile} needs ${chromiumPath}: install the Debian package chromium (scripts/system-deps.sh).`;
  if (process.env["CI"] === "true") throw new Error(`CI=true and Chromium is missing: ${message}`);
  console.warn(`\n!!! ${message} Its browser tests are SKIPPED !!!\n`);
  return false;
}

/** A headless browser with the flags every browser test uses (no sandbox as root, no background traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
