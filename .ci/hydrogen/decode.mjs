// Decodes Storefront's encodedVariantExistence and encodedVariantAvailability with
// hydrogen-react's own decoder and checks them against the products' variants.
//   node decode.mjs GRAPHQL_URL      prints "decoded N products" or the mismatches; exit 1 on any
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
// The decoder module of the published package (its index needs React, which is not installed).
const { decodeEncodedVariant, isOptionValueCombinationInEncodedVariant } = await import(
  path.join(here, 'node_modules/@shopify/hydrogen-react/dist/node-prod/optionValueDecoder.mjs'));

const url = process.argv[2];
const query = `{ products(first: 250) { nodes { handle encodedVariantExistence encodedVariantAvailability
  options { name optionValues { name } }
  variants(first: 250) { nodes { availableForSale selectedOptions { name value } } } } } }`;
const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
const body = await res.json();
if (body.errors) { console.error(JSON.stringify(body.errors)); process.exit(1); }

const key = (combo) => combo.join(',');
let problems = 0;
const products = body.data.products.nodes;
for (const p of products) {
  const combo = (v) => p.options.map((o) => o.optionValues.findIndex((val) => val.name === v.selectedOptions.find((s) => s.name === o.name)?.value));
  const all = p.variants.nodes.map(combo).map(key).sort();
  const forSale = p.variants.nodes.filter((v) => v.availableForSale).map(combo).map(key).sort();
  for (const [field, want] of [['encodedVariantExistence', all], ['encodedVariantAvailability', forSale]]) {
    const got = decodeEncodedVariant(p[field]).map(key).sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems++;
      console.log(`${p.handle} ${field} ${p[field]}: decoded ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
    // The lookup Hydrogen's product form makes for each option value.
    for (const c of want) {
      const idx = c.split(',').map(Number);
      if (!isOptionValueCombinationInEncodedVariant(idx.slice(0, 1), p[field])) {
        problems++;
        console.log(`${p.handle} ${field}: prefix ${idx[0]} not found`);
      }
    }
  }
}
if (problems > 0) process.exit(1);
console.log(`decoded ${products.length} products`);
