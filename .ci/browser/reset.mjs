// Resets a password through the hosted reset page in headless Chromium:
// node reset.mjs RESET_URL NEW_PASSWORD [FORM.png] [DONE.png]
// Tries a mismatched repetition first (the page must refuse it), then the real one; prints
// the final heading and exits 0 when the password was changed.
import { chromium } from 'playwright-core';

const [url, password, formShot, doneShot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(url);
  await page.fill('#password', password);
  await page.fill('#passwordConfirmation', password + 'x');
  await Promise.all([page.waitForNavigation(), page.click('#reset')]);
  const refused = (await page.textContent('#errors')).trim();
  if (!refused.includes('do not match')) throw new Error('mismatch not refused: ' + refused);
  await page.fill('#password', password);
  await page.fill('#passwordConfirmation', password);
  if (formShot) await page.screenshot({ path: formShot, fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('#reset')]);
  const heading = await page.textContent('#done');
  if (doneShot) await page.screenshot({ path: doneShot, fullPage: true });
  console.log(heading.trim());
} finally {
  await browser.close();
}
