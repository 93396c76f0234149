#!/usr/bin/env bash
# Opens a dirclust report in a real browser (headless Chromium from Debian, installed if missing):
#   1. saves a screenshot of the page (1280 × 2000, or REPORT_CHECK_WIDTH × 2000) for the README;
#   2. checks that every <audio> element loads its clip (FLAC or WAV) and reports a duration > 0.
# The report itself has no script: for check 2 a copy of it, next to it (so its relative links resolve),
# gets a few lines of vanilla JS that write each player's duration into a data attribute once
# `loadedmetadata` fires; Chromium's --dump-dom then shows them. The copy is removed afterwards.
#
# Usage: scripts/report_check.sh [REPORT.html] [SCREENSHOT.png]   (default: results/report.html docs/report.png)
set -euo pipefail

report=${1:-results/report.html}
shot=${2:-docs/report.png}
[ -f "$report" ] || { echo "report_check: $report does not exist; run 'make reproduce' (or dirclust run) first" >&2; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "report_check: installing chromium from Debian"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium
  browser=$(command -v chromium)
fi

dir=$(cd "$(dirname "$report")" && pwd)
page="$dir/$(basename "$report")"
probe="$dir/.report-check-$$.html"
trap 'rm -f "$probe"' EXIT
mkdir -p "$(dirname "$shot")"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files
       --no-first-run --disable-extensions --mute-audio)

# 1. Screenshot of the page as a reader first sees it.
"$browser" "${flags[@]}" --window-size="${REPORT_CHECK_WIDTH:-1280}",2000 --virtual-time-budget=10000 --screenshot="$(realpath -m "$shot")" "file://$page" 2>/dev/null
[ -s "$shot" ] || { echo "report_check: chromium wrote no screenshot to $shot" >&2; exit 1; }

# 2. Every player's duration, as the browser decoded it.
script='<script>
document.querySelectorAll("audio").forEach(function (a) {
  function mark() { a.setAttribute("data-duration", String(a.duration)); }
  if (a.readyState >= 1) mark(); else a.addEventListener("loadedmetadata", mark);
  a.addEventListener("error", function () { a.setAttribute("data-error", a.error ? String(a.error.code) : "unknown"); });
  a.load();
});
</script></body>'
awk -v s="$script" '{ sub(/<\/body>/, s); print }' "$page" > "$probe"
dom=$("$browser" "${flags[@]}" --virtual-time-budget=30000 --dump-dom "file://$probe" 2>/dev/null)

total=$({ grep -o '<audio ' <<<"$dom" || true; } | wc -l)
durations=$(grep -o 'data-duration="[^"]*"' <<<"$dom" | sed 's/data-duration="//; s/"$//' || true)
loaded=$(grep -c . <<<"$durations" || true)
positive=$({ awk '$1 + 0 > 0 && $1 != "Infinity" && $1 != "NaN"' <<<"$durations" || true; } | wc -l)
errors=$({ grep -o 'data-error="[^"]*"' <<<"$dom" || true; } | wc -l)
shortest=$(sort -g <<<"$durations" | head -1)

echo "report_check: $page"
echo "  screenshot: $shot ($(stat -c %s "$shot") bytes)"
echo "  audio elements: $total, with metadata: $loaded, duration > 0: $positive, errors: $errors, shortest: ${shortest:-none} s"
if [ "$total" -eq 0 ]; then
  echo "report_check: the page has no <audio> elements (is report.demoPieces 0?)" >&2; exit 1
fi
if [ "$positive" -ne "$total" ]; then
  echo "report_check: $((total - positive)) of $total audio elements did not report a duration > 0" >&2
  grep -o '<audio [^>]*>' <<<"$dom" | grep -v 'data-duration="[1-9.0]*[1-9]' | head -5 >&2
  exit 1
fi
echo "report_check: ok"
