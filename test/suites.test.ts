// tap runs the suites of test/suites/, each one process for a few test files (a process costs about 1.6 s of CPU on
// Node 20 before its first test: tap's module hooks and loading the app). So that no test file is silently left out
// or run twice, every test file must be imported by exactly one suite, and a suite imports only test files. A file
// with a top-level await is a suite of its own: its siblings' tests would run and end the suite while it waits.
import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../src/paths.js'

const TEST = join(packageRoot, 'test')
const IMPORT = /^import '\.\.\/(.+)\.test\.js'$/
const TOP_LEVEL_AWAIT = /^(?:(?:const|let|var) [^=]+= )?await /m

t.test('every test file is in exactly one suite, and the suites hold nothing else', async t => {
  const files = readdirSync(TEST, { recursive: true, encoding: 'utf8' })
    .filter(file => file.endsWith('.test.ts'))
    .map(file => file.slice(0, -'.test.ts'.length).replaceAll('\\', '/'))
    .sort()
  const suites = readdirSync(join(TEST, 'suites')).filter(file => file.endsWith('.ts')).sort()
  const imported: string[] = []
  const strays: string[] = []
  const notAlone: string[] = []
  for (const suite of suites) {
    const own: string[] = []
    for (const line of readFileSync(join(TEST, 'suites', suite), 'utf8').split('\n')) {
      if (line === '' || line.startsWith('//')) continue
      const match = IMPORT.exec(line)
      if (match === null) strays.push(`${suite}: ${line}`)
      else own.push(match[1]!)
    }
    imported.push(...own)
    if (own.length > 1) notAlone.push(...own.filter(file => TOP_LEVEL_AWAIT.test(readFileSync(join(TEST, `${file}.test.ts`), 'utf8'))))
  }
  t.strictSame(strays, [], 'a suite is comments and imports of test files')
  t.strictSame(imported.filter((file, i) => imported.indexOf(file) !== i), [], 'no test file in two suites')
  t.strictSame(files.filter(file => !imported.includes(file)), [], 'no test file outside a suite')
  t.strictSame(notAlone, [], 'a file with a top-level await is alone in its suite')
  t.ok(files.length > 70 && suites.length < files.length / 3, `${files.length} test files in ${suites.length} suites`)
})
