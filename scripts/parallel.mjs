// `node scripts/parallel.mjs lint build build:tests`: the npm scripts side by side (they share no output files);
// fails when any fails, after all have finished, so every problem is reported in one run.
import { spawn } from 'node:child_process'

const names = process.argv.slice(2)
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const codes = await Promise.all(names.map(name => new Promise(resolve => {
  spawn(npm, ['run', '--silent', name], { stdio: 'inherit' }).on('close', code => resolve(code ?? 1))
})))
const failed = names.filter((_, i) => codes[i] !== 0)
if (failed.length > 0) {
  process.stderr.write(`failed: ${failed.join(', ')}\n`)
  process.exit(1)
}
