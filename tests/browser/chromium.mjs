// Debian's Chromium (/usr/bin/chromium), headless, driven by playwright-core: no browser is downloaded.
// Flags: this machine's network is closed, so nothing may phone home (background networking, component
// updates, sync, QUIC); a fresh profile per run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Each step waits at most this long for an element or a response (the machine may be loaded). */
export const stepTimeout = Number(process.env.BROWSER_STEP_TIMEOUT_MS ?? 30000);

/**
 * Runs `scenario(page, observed)` in a fresh headless Chromium and prints one JSON line
 * `RESULT {...}` with what it observed (the .NET test asserts on it). On failure a full-page
 * screenshot goes to `<outputDir>/<name>-failure.png` and the process exits 1.
 */
export async function run(name, outputDir, scenario) {
  if (!fs.existsSync(executablePath)) {
    console.error(`Chromium is not installed at ${executablePath}: apt-get install chromium (.ci/run does this).`);
    process.exit(2);
  }

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'opentrain-chromium-'));
  const observed = { consoleErrors: [], pageErrors: [], failedRequests: [] };
  let context;
  let page;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(stepTimeout);
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') observed.consoleErrors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => observed.pageErrors.push(error.message));
    page.on('requestfailed', (request) => observed.failedRequests.push(`${request.url()}: ${request.failure()?.errorText}`));
    await scenario(page, observed);
    console.log(`RESULT ${JSON.stringify(observed)}`);
  } catch (error) {
    process.exitCode = 1;
    console.error(`${name} failed: ${error?.stack ?? error}`);
    console.error(`observed so far: ${JSON.stringify(observed)}`);
    if (page) {
      fs.mkdirSync(outputDir, { recursive: true });
      const file = path.join(outputDir, `${name}-failure.png`);
      await page.screenshot({ path: file, fullPage: true }).then(
        () => console.error(`screenshot: ${file}`),
        (shot) => console.error(`no screenshot: ${shot.message}`));
    }
  } finally {
    await context?.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
