// Swagger UI as a newcomer uses it: open /swagger, get a token from POST /dev/token with the shown
// example (twice), Authorize with it, then call GET /api/v1/me. Usage: node swagger-ui.mjs <api base> <output dir>
import { run } from './chromium.mjs';

const [base, outputDir] = process.argv.slice(2);

await run('swagger-ui', outputDir, async (page, observed) => {
  const documentLoaded = page.waitForResponse((r) => r.url().endsWith('/swagger/v1/swagger.json'));
  await page.goto(`${base}/swagger`);
  observed.documentStatus = (await documentLoaded).status();

  const devToken = page.locator('#operations-Development-issueDevToken');
  await devToken.waitFor();
  observed.tags = await page.locator('.opblock-tag-section h3.opblock-tag').evaluateAll((tags) => tags.map((t) => t.dataset.tag));
  observed.devTokenLocks = await devToken.locator('.authorization__btn').count();
  const getMe = page.locator('#operations-Me-getMe');
  observed.getMeLocks = await getMe.locator('.authorization__btn').count();

  // Try it out -> Execute, twice, with the example Swagger UI fills in.
  await devToken.locator('.opblock-summary-control').click();
  await devToken.locator('button.try-out__btn').click();
  observed.devTokenRequestBody = await devToken.locator('textarea.body-param__text').inputValue();
  observed.devTokenRuns = [];
  for (let i = 0; i < 2; i++) {
    const answered = page.waitForResponse((r) => r.url().endsWith('/dev/token') && r.request().method() === 'POST');
    await devToken.locator('button.execute').click();
    const response = await answered;
    const body = await response.json();
    // What the page shows: the live response's status code.
    const shown = devToken.locator('.live-responses-table tbody .response-col_status');
    await shown.first().waitFor();
    observed.devTokenRuns.push({ status: response.status(), shownStatus: (await shown.first().innerText()).trim(), body });
    if (i === 0) {
      // Clear the first run's response so the second one's is the one read.
      await devToken.locator('button.btn-clear').click();
      await shown.first().waitFor({ state: 'detached' });
    }
  }

  // Authorize with the first token.
  await page.locator('.auth-wrapper button.authorize').click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.locator('input[type=text], input[type=password]').first().fill(observed.devTokenRuns[0].body.accessToken);
  await dialog.locator('button.modal-btn.auth.authorize').click();
  await dialog.locator('button.btn-done').click();
  await dialog.waitFor({ state: 'detached' });

  // An authenticated call from the page.
  await getMe.locator('.opblock-summary-control').click();
  await getMe.locator('button.try-out__btn').click();
  const meAnswered = page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'GET');
  await getMe.locator('button.execute').click();
  const me = await meAnswered;
  const meShown = getMe.locator('.live-responses-table tbody .response-col_status').first();
  await meShown.waitFor();
  observed.me = {
    status: me.status(),
    shownStatus: (await meShown.innerText()).trim(),
    authorization: await me.request().headerValue('authorization'),
    body: await me.json(),
  };
});
