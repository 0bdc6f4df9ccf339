#!/usr/bin/env bash
# Refreshes the vendored GOV.UK Frontend build under static/govuk/ from the npm registry.
# Node.js is needed only here, never at run time. Usage: scripts/vendor-govuk-frontend.sh [version]
#
# We compile the Sass ourselves rather than copy govuk-frontend.min.css because this is not a
# GOV.UK-domain service: the GDS Transport typeface is licensed for GOV.UK only, so we build with
# Arial (as the Design System tells non-GOV.UK services to) and point asset URLs at /static/govuk/.
set -euo pipefail
version="${1:-6.6.0}"
sass_version="1.93.2"
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/static/govuk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "govuk-frontend@$version" "sass@$sass_version"

cat > app.scss <<'SCSS'
@use "govuk-frontend/dist/govuk" with (
  $govuk-font-family: (arial, sans-serif),
  $govuk-assets-path: "/static/govuk/assets/"
);
SCSS
npx sass --no-source-map --style=compressed --load-path=node_modules --quiet-deps app.scss govuk-frontend.min.css

rm -rf "$out"
mkdir -p "$out/assets"
cp govuk-frontend.min.css "$out/"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/"
cp -r node_modules/govuk-frontend/dist/govuk/assets/images "$out/assets/"
cp node_modules/govuk-frontend/dist/govuk/assets/manifest.json "$out/assets/"
cp node_modules/govuk-frontend/LICENSE.txt "$out/" 2>/dev/null || true
echo "$version" > "$out/VERSION"
echo "GOV.UK Frontend $version vendored into $out"
