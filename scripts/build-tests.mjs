// `npm run build:tests`: compiles src/, test/, bench/ and scripts/ into dist-test/, where `tap` runs them as plain
// JavaScript. Loading TypeScript through a loader hook cost every test file about 2 s of CPU, a third of the suite.
// The folder is made anew, so a deleted test cannot linger; the .mjs files tests import are copied beside the rest,
// and lab's tools are linked into its node_modules.
import { spawnSync } from 'node:child_process'
import { cpSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { linkInto } from './lab.mjs'

const OUT = 'dist-test'
rmSync(OUT, { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--outDir', OUT, '--declaration', 'false'], { stdio: 'inherit' })
if (result.status !== 0) process.exit(result.status ?? 1)
for (const dir of ['scripts', 'bench']) {
  for (const file of readdirSync(dir).filter(name => name.endsWith('.mjs'))) cpSync(join(dir, file), join(OUT, dir, file))
}
// The compiled tests import lab's tools (tap, fast-check...) from here (scripts/lab.mjs).
linkInto(join(OUT, 'node_modules'))
