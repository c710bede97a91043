// Buys through the hosted checkout in headless Chromium: node checkout.mjs CHECKOUT_URL SCREENSHOT.png
// Prints the confirmation heading and exits 0 when the order is confirmed.
import { chromium } from 'playwright-core';

const [url, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.fill('#email', 'chromium@example.com');
  await page.selectOption('#countryCode', 'US');
  await page.fill('#firstName', 'Chrome');
  await page.fill('#lastName', 'Buyer');
  await page.fill('#address1', '1 Main St');
  await page.fill('#city', 'Springfield');
  await page.selectOption('#provinceCode', 'IL');
  await page.fill('#zip', '62701');
  await Promise.all([page.waitForNavigation(), page.click('#save-contact')]);
  await page.check('input[name="option"][value="standard"]');
  await Promise.all([page.waitForNavigation(), page.click('#save-delivery')]);
  await page.selectOption('#session', 'test_success');
  await Promise.all([page.waitForNavigation(), page.click('#pay')]);
  const heading = await page.textContent('#confirmation');
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  console.log(heading.trim());
} finally {
  await browser.close();
}
