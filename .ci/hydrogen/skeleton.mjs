// Runs the Storefront API operations of Hydrogen's skeleton template, as its loaders send
// them (@inContext and their variables), against a Storefront server.
//   node skeleton.mjs APP_DIR GRAPHQL_URL
// APP_DIR is the skeleton's app/ folder (from the @shopify/cli-hydrogen package: .ci/run
// unpacks it into .ci/hydrogen/cli-hydrogen). Operations are read from its `#graphql`
// template literals, fragments interpolated as Hydrogen's code does; the Customer Account
// API's operations (graphql/customer-account) are not Storefront API operations and are
// left out. Prints one line per operation; exit 1 when any has errors or no data.
import fs from 'node:fs';
import path from 'node:path';

const [appDir, url] = process.argv.slice(2);
const files = [];
(function walk(d) {
  for (const f of fs.readdirSync(d)) {
    const p = path.join(d, f);
    if (fs.statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|tsx)$/.test(f)) files.push(p);
  }
})(appDir);

// Template constants by file (names repeat across route files) and by name (fragments are
// imported from lib/fragments.ts).
const byFile = new Map();
const global = new Map();
const constRe = /(?:export\s+)?const\s+([A-Z0-9_]+)\s*=\s*`(#graphql[\s\S]*?)`/g;
for (const f of files) {
  const src = fs.readFileSync(f, 'utf8');
  const local = new Map();
  for (const m of src.matchAll(constRe)) local.set(m[1], m[2]);
  byFile.set(f, local);
  for (const [k, v] of local) if (!global.has(k) || f.includes('fragments')) global.set(k, v);
}
const resolve = (text, local, seen = new Set()) =>
  text.replace(/\$\{([A-Z0-9_]+)\}/g, (_, n) => {
    if (seen.has(n)) return '';
    seen.add(n);
    const t = local.get(n) ?? global.get(n);
    return t ? resolve(t, local, seen) : '';
  });

const ops = [];
for (const [f, local] of byFile) {
  if (f.includes('customer-account')) continue;
  for (const [, text] of local) {
    const m = text.match(/\b(query|mutation)\s+(\w+)/);
    if (m) ops.push({ name: m[2], file: path.relative(appDir, f), doc: resolve(text, local) });
  }
}

// Variables as the skeleton's loaders pass them for the demo catalog.
const base = { country: 'US', language: 'EN' };
const vars = {
  Header: { headerMenuHandle: 'main-menu' },
  Footer: { footerMenuHandle: 'footer' },
  FeaturedCollection: {},
  RecommendedProducts: {},
  Blogs: { first: 10 },
  Blog: { blogHandle: 'news', first: 4 },
  Article: { blogHandle: 'journal', articleHandle: 'caring-for-linen' },
  Collection: { handle: 'apparel', first: 8 },
  StoreCollections: { first: 4 },
  Catalog: { first: 8 },
  Page: { handle: 'about' },
  Policy: { handle: 'shipping-policy', privacyPolicy: false, shippingPolicy: true, termsOfService: false, refundPolicy: false },
  Policies: {},
  Product: { handle: 'classic-organic-tee', selectedOptions: [{ name: 'Size', value: 'M' }, { name: 'Color', value: 'Black' }] },
  RegularSearch: { term: 'linen', first: 8 },
  PredictiveSearch: { term: 'lin', limit: 10, limitScope: 'EACH', types: ['ARTICLE', 'COLLECTION', 'PAGE', 'PRODUCT', 'QUERY'] },
};

let failed = 0;
for (const op of ops) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-storefront-access-token': 'storefront' },
    body: JSON.stringify({ query: op.doc, variables: { ...base, ...(vars[op.name] ?? {}) } }),
  });
  const body = await res.json();
  const empty = !body.data || Object.values(body.data).some((v) => v == null);
  if (body.errors || empty || !(op.name in vars)) {
    failed++;
    console.log(`FAIL ${op.name} (${op.file}): ${!(op.name in vars) ? 'no variables known for this operation; ' : ''}${JSON.stringify(body.errors ?? body.data).slice(0, 800)}`);
  } else {
    console.log(`ok   ${op.name} (${op.file})`);
  }
}
console.log(`${ops.length - failed} of ${ops.length} skeleton operations returned data without errors`);
process.exit(failed > 0 || ops.length === 0 ? 1 : 0);
