// Reads every entry's citation files with Citation.js, a reference manager
// library independent of atlas's own tests: cite.bib (its BibTeX parser),
// cite.ris (its RIS parser) and cite.json (CSL-JSON) must each give one
// reference, and the three must agree on the title, the URL, the date and
// the corporate author.
//
// Usage: node check-citations.mjs SITE_DIR (run beside its node_modules:
// `.ci/run` installs @citation-js/* from npm first).

import fs from 'node:fs'
import path from 'node:path'
import { Cite } from '@citation-js/core'
import '@citation-js/plugin-bibtex'
import '@citation-js/plugin-ris'
import '@citation-js/plugin-csl'

const site = process.argv[2]
const folders = []
for (const kind of fs.readdirSync(site)) {
  const dir = path.join(site, kind)
  if (!fs.statSync(dir).isDirectory()) continue
  for (const id of fs.readdirSync(dir)) {
    if (fs.existsSync(path.join(dir, id, 'cite.bib'))) folders.push(path.join(dir, id))
  }
}

const name = (a) => a && (a.literal || a.family || '')
let passed = 0
const failed = []
for (const dir of folders) {
  const refs = {}
  try {
    for (const file of ['cite.bib', 'cite.ris', 'cite.json']) {
      const cite = await Cite.async(fs.readFileSync(path.join(dir, file), 'utf8'))
      if (cite.data.length !== 1) throw new Error(`${file}: ${cite.data.length} references`)
      refs[file] = cite.data[0]
    }
    const [bib, ris, csl] = [refs['cite.bib'], refs['cite.ris'], refs['cite.json']]
    for (const [what, get] of [
      ['title', (r) => r.title],
      ['URL', (r) => r.URL],
      ['date', (r) => JSON.stringify(r.issued)],
      ['author', (r) => name(r.author && r.author[0])],
    ]) {
      const values = [get(bib), get(ris), get(csl)]
      if (!values[0] || values.some((v) => v !== values[0])) {
        throw new Error(`${what} differs: ${JSON.stringify(values)}`)
      }
    }
    if (!csl.URL.endsWith(`/${path.relative(site, dir).split(path.sep).join('/')}/`)) {
      throw new Error(`URL ${csl.URL}`)
    }
    passed += 1
  } catch (e) {
    failed.push(`${dir}: ${e.message}`)
  }
}
for (const f of failed) console.log(f)
if (folders.length < 250) failed.push(`only ${folders.length} entries`)
console.log(`check-citations: ${passed} passed, ${failed.length} failed`)
process.exit(failed.length ? 1 : 0)
