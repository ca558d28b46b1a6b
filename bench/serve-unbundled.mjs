// `serve` from tsc's modules, one file each (dist/src/server.js), not the command's bundle: a --cpu-prof of it names
// the file of each function, which the profile's stages go by (bench/profile.ts). Settings from the environment.
import { loadConfig } from '../dist/src/settings/config.js'
import { readSeedFile } from '../dist/src/settings/seed-file.js'
import { serve } from '../dist/src/server.js'

const config = loadConfig()
await serve(config, config.SEED_FILE === undefined ? undefined : readSeedFile(config.SEED_FILE))
