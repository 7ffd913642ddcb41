// Debian's Chromium driven by playwright-core, for the tests that need a real browser.
// No browser is ever downloaded: the executable is CHROMIUM_PATH or /usr/bin/chromium
// (`.ci/run` installs Debian's `chromium` when it is missing).

import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Headless and quiet: no sandbox (CI runs as root), no GPU, no network of its own.
 * Playwright refuses `--user-data-dir` on `launch()`: it gives every launch a fresh
 * temporary profile of its own and removes it at `close()`, which is what we want.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
] as const;

export function toChromiumPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const configured = env.CHROMIUM_PATH?.trim() ?? "";
  return configured === "" ? DEFAULT_CHROMIUM_PATH : configured;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = toChromiumPath();
  if (!existsSync(executablePath))
    throw new Error(
      `no Chromium at ${executablePath}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}
