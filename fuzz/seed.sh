#!/bin/sh
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/) from the atlas's
# own files and the hostile inputs kept in fuzz/seeds/ (taken from the tests):
# entry files for front_matter, their bodies for markdown and citations, the
# site files for geojson. Run from anywhere; existing corpus files are kept.
set -eu
cd "$(dirname "$0")"
for t in front_matter citations markdown geojson; do
    mkdir -p "corpus/$t"
done
for f in ../content/*/*.md; do
    name="$(basename "$(dirname "$f")")-$(basename "$f" .md)"
    cp "$f" "corpus/front_matter/$name"
    # The body: every line after the front matter's closing `---`.
    awk 'n >= 2 { print } /^---\r?$/ { n++ }' "$f" >"corpus/markdown/$name"
    cp "corpus/markdown/$name" "corpus/citations/$name"
done
for f in ../geodata/sites/*.geojson; do
    cp "$f" "corpus/geojson/$(basename "$f" .geojson)"
done
cp seeds/front_matter/* corpus/front_matter/
cp seeds/markdown/* corpus/markdown/
cp seeds/markdown/* corpus/citations/
cp seeds/geojson/* corpus/geojson/
for t in front_matter citations markdown geojson; do
    echo "$t: $(ls "corpus/$t" | wc -l) seeds"
done
