import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: browser tests never download a browser. */
export const CHROMIUM = process.env.BALLAST_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Launches headless Chromium. Fails (never skips) when it is missing: `npm test` installs Debian's
 * package when it runs as root; elsewhere `sudo apt-get install chromium`.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium)`);
  // Playwright gives every launch a fresh, empty profile of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The machine has no internet: without these Chromium keeps trying to reach Google's services.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Where tests keep what a person may want to look at afterwards (screenshots). Ignored by git. */
export const TEST_ARTIFACTS = path.resolve(import.meta.dirname, '..', '..', 'test-results');
