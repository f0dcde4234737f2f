// The payment simulator's hosted pages (Connect onboarding, 3-D Secure) as a person uses them: open a
// link, read the page, press a button (the browser posts the form). Usage:
//   node hosted-pages.mjs <output dir> <name> '<visits as JSON: [{"url": "...", "press": "Button label"}]>'
// "press" is optional: without it the page is only read. Prints RESULT with, per visit, the page's
// status, heading and buttons, and after the press the page the browser landed on.
import { run } from './chromium.mjs';

const [outputDir, name, plan] = process.argv.slice(2);
const visits = JSON.parse(plan);

const read = async (page, response) => ({
  status: response?.status() ?? null,
  url: page.url(),
  heading: (await page.locator('h1').first().innerText()).trim(),
  text: (await page.locator('body').innerText()).trim(),
  buttons: (await page.getByRole('button').allInnerTexts()).map((b) => b.trim()),
});

await run(name, outputDir, async (page, observed) => {
  observed.visits = [];
  for (const visit of visits) {
    const opened = await read(page, await page.goto(visit.url));
    const seen = { opened };
    observed.visits.push(seen);
    if (visit.press) {
      const landed = page.waitForNavigation();
      await page.getByRole('button', { name: visit.press, exact: true }).click();
      seen.pressed = await read(page, await landed);
    }
  }
});
