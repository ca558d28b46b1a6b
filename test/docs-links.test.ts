// The README is a front page that points into docs/: every relative link and #anchor must lead somewhere.
import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { packageRoot } from '../src/paths.js'

const DOCUMENTS = ['README.md', ...readdirSync(join(packageRoot, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`)]

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug (heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')
}

function anchors (document: string): Set<string> {
  const text = readFileSync(join(packageRoot, document), 'utf8').replace(/^```[\s\S]*?^```/gm, '')
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map(match => slug(match[1]!)))
}

t.test('every relative link of README.md and docs/*.md names an existing file, and every #anchor a heading in it', async t => {
  for (const document of DOCUMENTS) {
    const text = readFileSync(join(packageRoot, document), 'utf8').replace(/^```[\s\S]*?^```/gm, '')
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue
      const [path, anchor] = target!.split('#')
      const file = path === '' ? document : normalize(join(dirname(document), path!))
      t.ok(existsSync(join(packageRoot, file)), `${document}: ${target} exists`)
      if (anchor !== undefined && file.endsWith('.md')) t.ok(anchors(file).has(anchor), `${document}: ${target} is a heading of ${file}`)
    }
  }
})

t.test('the README stays a front page: the two commands first, and the depth in docs/', async t => {
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8')
  t.match(readme, /^# basic-admin-mock\n\n```sh\nnpm install && npm start {4}#[^\n]*\nnpm test {20}#[^\n]*\n```\n/, 'npm install && npm start and npm test at the very top')
  for (const moved of ['## Guarantees', '## Performance', '## Development', '## Authentication and status codes']) {
    t.notOk(readme.includes(`\n${moved}\n`), `${moved} lives in docs/`)
  }
})
