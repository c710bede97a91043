// Walks Hydrogen's skeleton storefront (running against Storefront) in headless Chromium as a
// shopper would, and checks each page:
//   home (header menu, featured collection, recommended products, footer) → a collection →
//   "Load more" on the catalog → a product, choosing an option (price and availability follow)
//   → Add to cart → a second product → /cart (quantity +1, remove a line, a discount code,
//   subtotal) → search → "Continue to checkout" → Storefront's hosted checkout, paid with the
//   test provider, up to the order confirmation.
//   node walk.mjs SHOP_URL STOREFRONT_API_URL OUT_DIR
// SHOP_URL is the shop's origin (Hydrogen, with Storefront's /checkout, /orders and /images
// paths on the same origin); STOREFRONT_API_URL is Storefront's GraphQL endpoint, asked for
// fixtures (a product whose variants differ in price or availability). Requests to any other
// host (Shopify's CDN and analytics, which the skeleton loads) are aborted: the walk runs
// offline; console messages about those aborted requests are listed apart, never counted as
// errors. Writes OUT_DIR/NN-step.png and OUT_DIR/result.json; exit 1 when a check fails or the
// browser logged an error.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [base, api, out] = process.argv.slice(2);
if (!base || !api || !out) {
  console.error('usage: node walk.mjs SHOP_URL STOREFRONT_API_URL OUT_DIR');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const shopHost = new URL(base).host;
const apiHost = new URL(api).host;

async function gql(query, variables) {
  const r = await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const j = await r.json();
  if (j.errors) throw new Error('fixture query: ' + JSON.stringify(j.errors));
  return j.data;
}

// A product whose variants differ from an available one in a single option: one at another
// price (and available) and one sold out, preferring a product that has both.
async function optionFixture() {
  const d = await gql(`query WalkFixture { products(first: 100) { nodes { handle title variants(first: 100) { nodes { id availableForSale price { amount } selectedOptions { name value } } } } } }`);
  let best = null;
  for (const p of d.products.nodes) {
    const vs = p.variants.nodes;
    for (const from of vs) {
      if (!from.availableForSale) continue;
      const step = (to) => {
        const diff = from.selectedOptions.filter((o, i) => to.selectedOptions[i].value !== o.value);
        return diff.length === 1 ? { to, option: diff[0].name, value: to.selectedOptions.find((o) => o.name === diff[0].name).value } : null;
      };
      const price = vs.filter((v) => v.availableForSale && v.price.amount !== from.price.amount).map(step).find(Boolean);
      const soldOut = vs.filter((v) => !v.availableForSale).map(step).find(Boolean);
      const steps = [price, soldOut].filter(Boolean);
      if (steps.length && (!best || steps.length > best.steps.length)) best = { product: p.handle, title: p.title, from, steps };
      if (steps.length === 2) return best;
    }
  }
  if (!best) throw new Error('no product whose variants differ in price or availability');
  return best;
}

const checks = [];
function check(ok, what) {
  checks.push({ ok: !!ok, what });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) throw new Error('check failed: ' + what);
}
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const amount = (s) => Number(String(s).replace(/[^0-9.]/g, ''));

const result = { base, steps: [], checks, consoleErrors: [], consoleWarnings: [], external: [], failedRequests: [] };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--ignore-certificate-errors'],
});
let exit = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ignoreHTTPSErrors: true }); // the test's own certificate
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'data:' || u.host === shopHost || u.host === apiHost) return route.continue();
    result.external.push(route.request().url().slice(0, 160));
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.setDefaultTimeout(45000); // generous: CI machines are shared
  let step = 'start';
  const isExternal = (url) => { try { const h = new URL(url).host; return h !== shopHost && h !== apiHost; } catch { return false; } };
  page.on('console', (m) => {
    const where = m.location() && m.location().url;
    const text = `[${step}] ${m.text().slice(0, 400)}${where ? ' (' + where.slice(0, 160) + ')' : ''}`;
    if ((m.type() === 'error' || m.type() === 'warning') && /Failed to load resource/.test(m.text()) && isExternal(where)) return; // aborted above
    if (m.type() === 'error') result.consoleErrors.push(text);
    else if (m.type() === 'warning') result.consoleWarnings.push(text);
  });
  page.on('pageerror', (e) => result.consoleErrors.push(`[${step}] pageerror: ${String(e.message).slice(0, 400)}`));
  // net::ERR_ABORTED: a prefetch or data request the next navigation cancelled.
  page.on('requestfailed', (r) => { if (!isExternal(r.url()) && (r.failure() || {}).errorText !== 'net::ERR_ABORTED') result.failedRequests.push(`[${step}] ${r.url().slice(0, 160)} ${(r.failure() || {}).errorText}`); });
  page.on('response', (r) => { if (r.status() >= 400 && !isExternal(r.url())) result.failedRequests.push(`[${step}] HTTP ${r.status()} ${r.url().slice(0, 160)}`); });

  let n = 0;
  async function shot(name) {
    step = name;
    await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
    const info = await page.evaluate(() => ({
      title: document.title,
      errorPage: (document.querySelector('.route-error') || {}).innerText || null,
      images: document.images.length,
      brokenImages: [...document.images].filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.src).slice(0, 5),
    }));
    const file = path.join(out, `${String(++n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    result.steps.push({ step: name, url: page.url().replace(base, ''), ...info, screenshot: file });
    check(!info.errorPage, `${name}: no error page (${info.errorPage || page.url().replace(base, '')})`);
    check(info.brokenImages.length === 0, `${name}: ${info.images} images, none broken ${JSON.stringify(info.brokenImages)}`);
    return info;
  }
  async function go(name, p) {
    step = name;
    const r = await page.goto(base + p, { waitUntil: 'load', timeout: 120000 });
    check(r && r.status() === 200, `${name}: GET ${p} → HTTP ${r && r.status()}`);
    return shot(name);
  }
  const count = (sel) => page.locator(sel).count();
  const fx = await optionFixture();
  result.fixture = fx;

  // Home: header menu, featured collection, recommended products, footer.
  await go('home', '/');
  check(await count('.header-menu-item') >= 2, `home: header menu has ${await count('.header-menu-item')} items`);
  check(await count('.featured-collection h1') === 1, 'home: featured collection shown');
  await page.locator('.recommended-products-grid a[href*="/products/"]').first().waitFor();
  check(await count('.recommended-products-grid a[href*="/products/"]') >= 2, `home: ${await count('.recommended-products-grid a[href*="/products/"]')} recommended products`);
  check(await count('.footer-menu a') >= 2, `home: footer menu has ${await count('.footer-menu a')} links`);

  // The featured collection, followed from the home page.
  const featured = await page.locator('a.featured-collection').getAttribute('href');
  await go('collection', featured);
  check(await count('.collection a[href*="/products/"]') >= 1, `collection ${featured}: ${await count('.collection a[href*="/products/"]')} products`);

  // The catalog, 8 products a page: "Load more" appends the next page.
  await go('catalog', '/collections/all');
  const firstPage = await count('.products-grid a[href*="/products/"]');
  await page.getByText('Load more').click();
  await page.waitForFunction((k) => document.querySelectorAll('.products-grid a[href*="/products/"]').length > k, firstPage);
  const twoPages = await count('.products-grid a[href*="/products/"]');
  await shot('catalog-page-2');
  check(firstPage === 8 && twoPages > firstPage, `catalog: Load more went from ${firstPage} to ${twoPages} products`);

  // A product: choosing an option value moves to that variant's price and availability.
  const q = new URLSearchParams(fx.from.selectedOptions.map((o) => [o.name, o.value])).toString();
  const priceOf = async () => amount(await page.locator('.product-main .product-price').first().innerText());
  const buttonText = async () => (await page.locator('.product-form button[type="submit"]').innerText()).trim();
  for (const [k, st] of fx.steps.entries()) {
    await go('product', `/products/${fx.product}?${q}`);
    check(await priceOf() === Number(fx.from.price.amount), `product ${fx.product}: price ${await priceOf()} is ${fx.from.price.amount}`);
    check(/add to cart/i.test(await buttonText()), `product: button says "${await buttonText()}"`);
    // a value is the button's text, or the aria-label of its colour swatch
    const items = page.locator('.product-options', { has: page.locator('h5', { hasText: new RegExp(`^${esc(st.option)}$`) }) }).locator('button.product-options-item');
    const byText = items.filter({ hasText: new RegExp(`^\\s*${esc(st.value)}\\s*$`) });
    await (await byText.count() ? byText : items.filter({ has: page.locator(`[aria-label="${st.value.replace(/"/g, '\\"')}"]`) })).click();
    await page.waitForURL((u) => u.searchParams.get(st.option) === st.value);
    await page.waitForFunction(([p, avail]) => {
      const price = Number((document.querySelector('.product-main .product-price') || {}).innerText?.replace(/[^0-9.]/g, ''));
      const btn = (document.querySelector('.product-form button[type="submit"]') || {}).innerText || '';
      return price === p && /add to cart/i.test(btn) === avail;
    }, [Number(st.to.price.amount), st.to.availableForSale]);
    await shot('product-option-' + (k + 1));
    check(true, `product: ${st.option} ${st.value} → price ${st.to.price.amount}, "${await buttonText()}"`);
  }
  // The first variant, into the cart.
  await go('product-again', `/products/${fx.product}?${q}`);
  await page.locator('.product-form button[type="submit"]', { hasText: /add to cart/i }).click();
  await page.locator('aside .cart-line').first().waitFor();
  await page.waitForFunction(() => !document.querySelector('aside .cart-line button[aria-label="Increase quantity"]:disabled'));
  await shot('add-to-cart');
  check(await count('aside .cart-line') === 1, 'add to cart: the cart aside shows the line');

  // A second product, from the home page's recommendations.
  await go('home-again', '/');
  await page.locator('.recommended-products-grid a[href*="/products/"]').first().waitFor();
  const hrefs = await page.locator('.recommended-products-grid a[href*="/products/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  let added = false;
  for (const h of hrefs.filter((x) => !x.includes('/products/' + fx.product))) {
    await go('product-2', h);
    const b = page.locator('.product-form button[type="submit"]', { hasText: /add to cart/i });
    if (await b.count() && await b.isEnabled()) {
      await b.click();
      await page.waitForFunction(() => document.querySelectorAll('aside .cart-line').length === 2 && !document.querySelector('aside .cart-line button:disabled[aria-label="Increase quantity"]'));
      added = true;
      break;
    }
  }
  check(added, 'a second product added to the cart');

  // The cart page: quantity, remove, discount code, subtotal.
  await go('cart', '/cart');
  const lines = page.locator('div.cart > .cart-main .cart-line');
  check(await lines.count() === 2, `cart: ${await lines.count()} lines`);
  const subtotal = async () => amount(await page.locator('div.cart > .cart-main .cart-subtotal dd').innerText());
  const s0 = await subtotal();
  const mine = lines.filter({ hasText: fx.title });
  await mine.locator('button[aria-label="Increase quantity"]').click();
  await mine.locator('.cart-line-quantity', { hasText: 'Quantity: 2' }).waitFor();
  await page.waitForFunction((s) => Number(document.querySelector('div.cart > .cart-main .cart-subtotal dd')?.innerText.replace(/[^0-9.]/g, '')) !== s, s0);
  const s1 = await subtotal();
  check(Math.abs(s1 - s0 - Number(fx.from.price.amount)) < 0.001, `cart: quantity 2 → subtotal ${s0} → ${s1}`);
  await shot('cart-quantity');
  await lines.filter({ hasNotText: fx.title }).getByRole('button', { name: 'Remove' }).click();
  await page.waitForFunction(() => document.querySelectorAll('div.cart > .cart-main .cart-line').length === 1);
  // the line disappears at once (optimistic UI); the subtotal follows the server's answer
  await page.waitForFunction((s) => Number(document.querySelector('div.cart > .cart-main .cart-subtotal dd')?.innerText.replace(/[^0-9.]/g, '')) !== s, s1).catch(() => {});
  const s2 = await subtotal();
  check(Math.abs(s2 - 2 * Number(fx.from.price.amount)) < 0.001, `cart: line removed → subtotal ${s2}`);
  await page.locator('div.cart > .cart-main input[name="discountCode"]').fill('WELCOME10');
  await page.locator('div.cart > .cart-main button[aria-label="Apply discount code"]').click();
  await page.waitForFunction(() => /WELCOME10/.test(document.querySelector('div.cart > .cart-main .cart-discount code')?.innerText || ''));
  await shot('cart-discount');
  check(true, 'cart: discount code WELCOME10 applied');

  // Search.
  const word = fx.title.split(/\s+/).find((w) => w.length > 3) || fx.title;
  await go('search', '/search?q=' + encodeURIComponent(word));
  const hits = await count('.search-results-item');
  check(hits >= 1, `search "${word}": ${hits} results`);

  // Continue to checkout → Storefront's hosted checkout, the test payment, the confirmation.
  await go('cart-before-checkout', '/cart');
  step = 'checkout';
  await Promise.all([page.waitForURL('**/checkout/**'), page.locator('div.cart > .cart-main').getByText('Continue to Checkout').click()]);
  check(new URL(page.url()).host === shopHost, `checkout at ${page.url().replace(/key=.*/, 'key=…')}`);
  await shot('checkout');
  await page.fill('#email', 'hydrogen@example.com');
  await page.selectOption('#countryCode', 'US');
  await page.fill('#firstName', 'Hydrogen');
  await page.fill('#lastName', 'Buyer');
  await page.fill('#address1', '1 Main St');
  await page.fill('#city', 'Springfield');
  await page.selectOption('#provinceCode', 'IL');
  await page.fill('#zip', '62701');
  await Promise.all([page.waitForNavigation(), page.click('#save-contact')]);
  await page.check('input[name="option"][value="standard"]');
  await Promise.all([page.waitForNavigation(), page.click('#save-delivery')]);
  await shot('checkout-payment');
  await page.selectOption('#session', 'test_success');
  await Promise.all([page.waitForNavigation(), page.click('#pay')]);
  const confirmation = (await page.textContent('#confirmation')).trim();
  await shot('confirmation');
  check(/is confirmed/.test(confirmation), `confirmation: ${confirmation}`);
  result.confirmation = confirmation;
  check(result.consoleErrors.length === 0, `no console errors (${result.consoleErrors.length}): ${result.consoleErrors.slice(0, 5).join(' | ')}`);
  check(result.failedRequests.length === 0, `no failed requests (${result.failedRequests.length}): ${result.failedRequests.slice(0, 5).join(' | ')}`);
} catch (e) {
  result.error = String(e.stack || e).slice(0, 2000);
  console.log('walk failed: ' + String(e.message).split('\n')[0]);
  exit = 1;
} finally {
  await browser.close();
  fs.writeFileSync(path.join(out, 'result.json'), JSON.stringify(result, null, 2));
}
process.exit(exit);
