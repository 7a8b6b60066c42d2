import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`; .ci/run installs it when missing). */
export const CHROMIUM = process.env.AGENTMINT_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined. Under CI a missing browser is a failure. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set AGENTMINT_CHROMIUM)`;
  if (process.env.CI === 'true') throw new Error(reason);
  return reason;
}

/**
 * Headless, and quiet on the network: the machines have no internet, so every background
 * request Chromium makes by itself (updates, sync, field trials, QUIC probes) is turned off.
 * playwright-core gives each launch a fresh temporary profile (its own --user-data-dir).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 120_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

const ARTIFACTS = join(import.meta.dirname, '..', '..', 'artifacts');

/** Saves a screenshot of the step under tests/browser/artifacts/ (gitignored; CI keeps it). */
export async function screenshot(page: Page, step: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${step}.png`), fullPage: true });
}
