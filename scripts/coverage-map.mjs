// tap's coverage map for `npm run coverage`: every test file is credited with the TypeScript sources under src/.
// The tests run compiled (dist-test/, and dist/ in the processes they spawn); the .js.map files carry their
// coverage back to src/*.ts, and the map keeps the tests, the bench and the scripts out of the report.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

export const sources = readdirSync('src', { recursive: true, encoding: 'utf8' })
  .filter(file => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map(file => join('src', file))
  .sort()

export default () => sources
