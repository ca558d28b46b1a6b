// `npm run coverage` runs the whole suite again, so npm test does not run it; this checks what it is made of.
import t from 'tap'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { packageRoot } from '../src/paths.js'

const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string>, tap: Record<string, unknown> }

t.test('npm run coverage turns tap\'s coverage on for src/ only, mapped back to the TypeScript sources', async t => {
  const script = pkg.scripts.coverage!
  t.equal(pkg.tap['disable-coverage'], true, 'npm test skips coverage')
  t.match(script, /^node scripts\/lab\.mjs && npm run build && npm run build:tests && tap /, 'readies the lab (tap is its), then builds what the tests run first')
  t.match(script, / --no-disable-coverage /, 'turns it on')
  t.match(script, / --coverage-map=scripts\/coverage-map\.mjs /, 'credits the tests with src/ only')
  t.match(script, / --coverage-report=text$/, 'a text table with line and branch columns')

  const { sources } = await import(pathToFileURL(join(packageRoot, 'scripts', 'coverage-map.mjs')).href) as { sources: string[] }
  // A declaration file (src/testcontainers/peer-types.d.ts) compiles to nothing, so there is nothing of it to cover.
  const onDisk = readdirSync(join(packageRoot, 'src'), { recursive: true, encoding: 'utf8' }).filter(file => file.endsWith('.ts') && !file.endsWith('.d.ts')).map(file => join('src', file)).sort()
  t.strictSame(sources, onDisk, 'every TypeScript file under src/ but declarations, and nothing else')
  // The report reaches the TypeScript lines through the compiled files' source maps.
  for (const source of sources) {
    const map = join(packageRoot, 'dist', source.replace(/\.ts$/, '.js.map'))
    t.ok(existsSync(map), `${source} has a source map in dist/`)
  }
  const sample = JSON.parse(readFileSync(join(packageRoot, 'dist', 'src', 'settings', 'config.js.map'), 'utf8')) as { sources: string[] }
  t.strictSame(sample.sources, ['../../../src/settings/config.ts'], 'which points at the TypeScript source')
})
