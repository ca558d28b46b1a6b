// npm test's last words when tap fails: each failed assertion again, with its file, its subtest path and its
// diagnostic, read back from the results tap keeps (.tap/test-results). The suites run four at a time and print
// thousands of lines; CI keeps only the end of what a run printed, so without this the one line that says what failed
// is lost above it. Always exits 1: it runs only after tap did.
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { Parser } from 'tap-parser'
import { ROOT } from './lab.mjs'

const RESULTS = join(ROOT, '.tap', 'test-results')
// A diagnostic can hold a whole server log; the summary keeps each one's head.
const MAX_DIAG_LINES = 40

function failuresOf (file) {
  const failures = []
  const watch = parser => {
    parser.on('assert', result => { if (!result.ok && !result.todo && !result.skip) failures.push(result) })
    parser.on('child', watch)
  }
  const parser = new Parser()
  watch(parser)
  parser.end(readFileSync(file))
  // A failed subtest fails each subtest around it too; the innermost failure is the one that says why.
  return failures.filter(failure => !failures.some(other => other !== failure && other.fullname.startsWith(`${failure.fullname} > `)))
}

// Only the results of what npm test runs (package.json's tap.include, folders of files): tap keeps the results of
// every file it ever ran, and a file once run alone would be reported again here with its old failures.
const included = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).tap.include.map(pattern => join(RESULTS, dirname(pattern)))

let files = []
try {
  files = readdirSync(RESULTS, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile() && entry.name.endsWith('.tap') && included.includes(entry.parentPath))
    .map(entry => join(entry.parentPath, entry.name))
    .sort()
} catch (error) {
  if (error.code !== 'ENOENT') throw error
}

const lines = ['', 'npm test failed. What failed (again, from .tap/test-results):']
for (const file of files) {
  for (const failure of failuresOf(file)) {
    lines.push('', `not ok - ${relative(RESULTS, file).replace(/\.tap$/, '')}: ${failure.fullname}`)
    if (failure.diag) {
      const diag = JSON.stringify(failure.diag, null, 2).split('\n')
      const head = diag.slice(0, MAX_DIAG_LINES).map(line => `    ${line}`)
      if (diag.length > MAX_DIAG_LINES) head.push(`    ... ${diag.length - MAX_DIAG_LINES} more lines in ${relative(ROOT, file)}`)
      lines.push(...head)
    }
  }
}
if (lines.length === 2) lines.push('', 'no failed assertion was recorded: tap itself failed before or around the suites (see above)')
process.stdout.write(`${lines.join('\n')}\n`)
process.exit(1)
