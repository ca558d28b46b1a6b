import { createRequire } from 'node:module'

// neostandard is one of lab's tools (scripts/lab.mjs), not this package's own dependency.
const { default: neostandard } = await import(createRequire(new URL('lab/package.json', import.meta.url)).resolve('neostandard'))

export default neostandard({
  ts: true,
  ignores: ['dist/**', 'dist-test/**', 'node_modules/**', '.tap/**', 'lab/**']
})
