import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The package root holds migrations/ and openapi/, both when running from src/
// (tests, tsx) and from dist/src/ (npm start, the published package).
function findRoot (from: string): string {
  let dir = from
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`package.json not found above ${from}`)
    dir = parent
  }
  return dir
}

export const packageRoot = findRoot(dirname(fileURLToPath(import.meta.url)))
export const migrationsDir = join(packageRoot, 'migrations')
// The seed as it is, the overlay stating what the server enforces, and the two applied (npm run generate).
export const contractPath = join(packageRoot, 'openapi', 'basic-admin.yaml')
export const overlayPath = join(packageRoot, 'openapi', 'basic-admin.overlay.yaml')
export const servedContractPath = join(packageRoot, 'openapi', 'basic-admin.served.yaml')
// The same document as JSON, which the server reads at start: parsing the YAML cost a start about 140 ms.
export const servedContractJsonPath = join(packageRoot, 'openapi', 'basic-admin.served.json')
