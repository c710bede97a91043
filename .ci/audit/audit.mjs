// Runs the graphql-http server audit suite (GraphQL over HTTP spec conformance) against the
// URL given as the first argument. Prints one line per audit that is not "ok" and a
// closing summary; exits 1 when any audit reports an error or a warning.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
let ok = 0;
let bad = 0;
let notices = 0;
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  if (result.status === 'ok') {
    ok++;
    continue;
  }
  if (result.status === 'notice') {
    notices++;
  } else {
    bad++;
  }
  const body = result.response ? await result.response.text().catch(() => '') : '';
  console.log(`${result.status.toUpperCase()} ${audit.id} ${audit.name}: ${result.reason}${body ? ' | body: ' + body.slice(0, 200) : ''}`);
}
console.log(`audits: ${ok} ok, ${notices} notices, ${bad} errors or warnings`);
process.exit(bad > 0 ? 1 : 0);
