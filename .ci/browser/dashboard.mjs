// Signs in to the merchant dashboard in headless Chromium and reads it:
//   node dashboard.mjs DASHBOARD_URL API_KEY SCREENSHOT.png
// Prints the net sales card, the number of points on the sales chart and the number of
// Content-Security-Policy violations the page caused.
import { chromium } from 'playwright-core';

const [url, key, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  let violations = 0;
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations++; });
  await page.goto(url);
  await page.fill('#key', key);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  await page.fill('input[name=from]', '2026-01-10');
  await page.fill('input[name=to]', '2026-01-16');
  await Promise.all([page.waitForNavigation(), page.click('#range button[type=submit]')]);
  const net = await page.textContent('#sales .card b');
  const points = await page.locator('#sales-chart circle').count();
  const bars = await page.locator('#funnel-chart rect').count();
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  console.log(`net: ${net.trim()}`);
  console.log(`points: ${points}`);
  console.log(`funnel bars: ${bars}`);
  console.log(`violations: ${violations}`);
} finally {
  await browser.close();
}
