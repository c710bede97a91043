#!/usr/bin/env bash
# Prepares Hydrogen's skeleton storefront for TestHydrogenSkeletonInChromium: the template
# that @shopify/cli-hydrogen 13.0.4 ships, unchanged, copied into .ci/hydrogen-e2e/app,
# its npm dependencies installed and its production bundle built (`shopify hydrogen build`).
# Each step is skipped when its result is already there, so only the first run pays for
# `npm install` (a few minutes); later runs take a second. FRESH=1 starts over.
#   bash .ci/hydrogen-e2e/prepare.sh          (from the project root; .ci/run calls it)
set -euo pipefail
cd "$(dirname "$0")/../.."
CLI=@shopify/cli-hydrogen@13.0.4
pkg=.ci/hydrogen/cli-hydrogen/package
app=.ci/hydrogen-e2e/app
stamp="$app/.prepared"

if [ ! -d "$pkg/dist/assets/hydrogen/starter" ]; then
	mkdir -p .ci/hydrogen/cli-hydrogen
	(cd .ci/hydrogen/cli-hydrogen && npm pack --silent "$CLI" >/dev/null && tar -xzf shopify-cli-hydrogen-13.0.4.tgz && rm shopify-cli-hydrogen-13.0.4.tgz)
fi
if [ -n "${FRESH:-}" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$CLI built" ]; then
	if [ -n "${FRESH:-}" ] || [ ! -f "$app/node_modules/.package-lock.json" ] || [ "$(cat "$app/.skeleton" 2>/dev/null)" != "$CLI" ]; then
		rm -rf "$app"
		cp -a "$pkg/dist/assets/hydrogen/starter" "$app"
		echo "$CLI" >"$app/.skeleton"
		# The template's .npmrc sends @shopify to registry.npmjs.com; use the configured registry.
		echo "npm install of the skeleton (log: $app/npm-install.log)"
		(cd "$app" && npm install --no-audit --no-fund --@shopify:registry="$(npm config get registry)" >npm-install.log 2>&1) ||
			{ tail -20 "$app/npm-install.log"; echo "npm install of the skeleton failed" >&2; exit 1; }
	fi
	echo "shopify hydrogen build (log: $app/build.log)"
	(cd "$app" && SHOPIFY_CLI_NO_ANALYTICS=1 ./node_modules/.bin/shopify hydrogen build >build.log 2>&1) ||
		{ tail -30 "$app/build.log"; echo "shopify hydrogen build failed" >&2; exit 1; }
	echo "$CLI built" >"$stamp"
fi
echo "Hydrogen skeleton ready in $app"
