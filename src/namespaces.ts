// The worlds of a server, by namespace: the default one, built at start, and one per X-Mock-Namespace name, opened
// from the same seed by a request that authenticates (or by the control plane, or in-process). A namespace of a file
// database keeps its data in a file of its own beside it (<DATABASE_PATH>.namespaces/ns-<name>.db), so it survives a
// restart and comes back when its name is used again. docs/namespaces-and-faults.md states the limits kept here.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { startCheckpointer, type Checkpointer } from './db/checkpointer.js'
import { descriptorLimit, descriptorsOpen, outOfDescriptors } from './db/descriptors.js'
import { takeOwnerLock, type OwnerLock } from './db/owner-lock.js'
import { DEFAULT_NAMESPACE } from './domain/namespace.js'
import type { World, WorldOptions } from './world.js'

export interface NamespacesOptions {
  defaultWorld: World
  /** Where requests of a namespace that is not open stand until one authenticates: empty, journaling nothing. */
  strangerWorld: World
  /** Opens (and seeds) the world of a new namespace at this database path. */
  open: (name: string, path: string) => World
  /** How many namespaces besides the default one may exist at once, open or on disk (NAMESPACE_LIMIT). */
  limit: number
  /** The hashes of the API keys the seed has: a request with one of them may open a namespace. */
  seedKeyHashes: Set<string>
}

/** Why a namespace cannot open now: a limit (its message names the setting) or its name. */
export class NamespaceLimitError extends Error {
  constructor (message: string, readonly rule: 'namespace-limit' | 'namespace-name' | 'namespace-owner', readonly inProcess: string = message) {
    super(message)
  }
}

/** How often the checkpoint worker copies each -wal into its database file. */
const CHECKPOINT_INTERVAL_MS = 50
/** Descriptors a namespace's database holds: the file, -wal and -shm of the server's connection, the file and -wal of the checkpoint worker's. */
export const DESCRIPTORS_PER_NAMESPACE = 5
/** Of those, the checkpoint worker's connection holds two (the database and its -wal) once the server listens. */
const CHECKPOINTER_DESCRIPTORS = 2
/** Descriptors always left for connections and everything else: a quarter of the limit, at least 100. */
const descriptorReserve = (limit: number): number => Math.max(100, Math.floor(limit / 4))
const FILE = /^ns-([A-Za-z0-9_.-]{1,64})\.db$/

/** Where a namespace's database lives, beside the default one; in memory when the default one is. */
export function namespacePath (defaultPath: WorldOptions['path'], name: string): string {
  if (defaultPath === ':memory:' || defaultPath.startsWith('file:')) return ':memory:'
  // A prefix, so that "." and ".." are plain file names.
  return join(namespaceFolder(defaultPath), `ns-${name}.db`)
}

const namespaceFolder = (defaultPath: string): string => join(dirname(defaultPath), `${basename(defaultPath)}.namespaces`)

export function createNamespaces (options: NamespacesOptions) {
  const { defaultWorld, strangerWorld } = options
  const inMemory = namespacePath(defaultWorld.path, 'x') === ':memory:'
  const folder = inMemory ? undefined : namespaceFolder(defaultWorld.path)
  const opened = new Map<string, World>()
  const dropping = new Map<string, Promise<boolean>>()
  let checkpointer: Checkpointer | undefined
  let owner: OwnerLock | undefined
  const maxDescriptors = inMemory ? undefined : descriptorLimit()

  /** The names with a database file, exactly as the folder spells them. */
  function onDisk (): Set<string> {
    if (folder === undefined || !existsSync(folder)) return new Set()
    const names = new Set<string>()
    for (const file of readdirSync(folder)) {
      const match = FILE.exec(file)
      if (match !== null) names.add(match[1]!)
    }
    return names
  }

  /** One process per database serves namespaces: the first to need them takes the lock, held until it closes. */
  function own (): void {
    if (folder === undefined || owner !== undefined) return
    mkdirSync(folder, { recursive: true })
    owner = takeOwnerLock(join(folder, 'owner.lock'))
    if (owner === undefined) {
      throw new NamespaceLimitError(`another process serves the namespaces of ${defaultWorld.path} (it holds ${join(folder, 'owner.lock')}): one process per database serves namespaces, so send namespaced requests to that one, or give this one another DATABASE_PATH`, 'namespace-owner')
    }
  }

  /** Refuses to open a name past a limit, or one that differs only in case from another (they would share a file on macOS and Windows). */
  function checkRoom (name: string, existing: Set<string>): void {
    const folded = name.toLowerCase()
    for (const other of existing) {
      if (other !== name && other.toLowerCase() === folded) {
        throw new NamespaceLimitError(`namespace ${JSON.stringify(other)} exists, and names that differ only in case would share one file on case-insensitive file systems: use ${JSON.stringify(other)} or another name`, 'namespace-name')
      }
    }
    if (!existing.has(name) && existing.size >= options.limit) {
      throw new NamespaceLimitError(
        `the server holds ${options.limit} namespaces (NAMESPACE_LIMIT), open or on disk: drop one with DELETE /__admin/namespaces/{name}`,
        'namespace-limit',
        `the server holds ${options.limit} namespaces (NAMESPACE_LIMIT / namespaceLimit): drop one with mock.namespace(name).drop()`)
    }
    if (inMemory || maxDescriptors === undefined) return
    // The checkpoint worker opens its two files of a namespace a moment after the namespace opens: those not open yet
    // are counted as if they were, or a burst of new namespaces would find room that is gone once the worker catches up.
    const open = descriptorsOpen(folder === undefined ? undefined : join(folder, 'ns-'))
    if (open === undefined) return
    const each = checkpointer === undefined ? DESCRIPTORS_PER_NAMESPACE - CHECKPOINTER_DESCRIPTORS : DESCRIPTORS_PER_NAMESPACE
    const pending = Math.max(0, opened.size * each - open.under)
    if (open.total + pending + DESCRIPTORS_PER_NAMESPACE > maxDescriptors - descriptorReserve(maxDescriptors)) throw descriptorError()
  }

  const descriptorError = (): NamespaceLimitError => new NamespaceLimitError(
    `the process is near its limit of open files${maxDescriptors === undefined ? '' : ` (ulimit -n: ${maxDescriptors})`} with ${opened.size} namespaces open, ${DESCRIPTORS_PER_NAMESPACE} files each: drop one with DELETE /__admin/namespaces/{name}, raise ulimit -n, or lower NAMESPACE_LIMIT`,
    'namespace-limit')

  function openNamespace (name: string): World {
    const existing = new Set([...opened.keys(), ...onDisk()])
    checkRoom(name, existing)
    own()
    const path = namespacePath(defaultWorld.path, name)
    let world: World
    try {
      world = options.open(name, path)
    } catch (error) {
      if (outOfDescriptors(error)) throw descriptorError()
      throw error
    }
    opened.set(name, world)
    if (checkpointer !== undefined) world.checkpointInBackground(checkpointer)
    return world
  }

  return {
    default: defaultWorld,
    stranger: strangerWorld,

    /**
     * The world of a valid name (checked by the caller), opened on first use; throws a NamespaceLimitError past a
     * limit, and a TypeError while the name is being dropped (over HTTP, requests wait for the drop: `dropped`).
     */
    get (name: string): World {
      if (name === DEFAULT_NAMESPACE) return defaultWorld
      const known = opened.get(name)
      if (known !== undefined) return known
      if (dropping.has(name)) throw new TypeError(`namespace ${JSON.stringify(name)} is being dropped: await its drop() first`)
      return openNamespace(name)
    },

    /** The drop of this name under way, if one is: settles once its files are gone. */
    dropped: (name: string): Promise<boolean> | undefined => dropping.get(name),

    /**
     * Whether an API key of this hash may open the namespace: a key of the seed, or one its database on disk holds
     * (a namespace kept across a restart). Read without opening it: a stranger's guess costs one indexed read.
     */
    holdsKey (name: string, hash: Buffer): boolean {
      if (options.seedKeyHashes.has(hash.toString('hex'))) return true
      if (folder === undefined || !onDisk().has(name)) return false
      try {
        const db = new Database(namespacePath(defaultWorld.path, name), { readonly: true, fileMustExist: true })
        try {
          return db.prepare('SELECT 1 FROM api_keys WHERE key_hash = ?').get(hash) !== undefined
        } finally {
          db.close()
        }
      } catch {
        return false
      }
    },

    /**
     * For a listening server: one worker thread checkpoints every world's database from now on, the open ones and
     * each namespace opened later (src/db/checkpointer.ts); what goes wrong is reported with the database's path.
     */
    checkpointInBackground (onError: (error: { message: string, code?: string }, path: string) => void): void {
      if (checkpointer !== undefined) return
      checkpointer = startCheckpointer({ intervalMs: CHECKPOINT_INTERVAL_MS, onError })
      defaultWorld.checkpointInBackground(checkpointer)
      for (const world of opened.values()) world.checkpointInBackground(checkpointer)
    },

    /** The world of a name if it is open (the default one always is); never opens one. */
    find: (name: string): World | undefined => name === DEFAULT_NAMESPACE ? defaultWorld : opened.get(name),

    /** The open worlds, the default one first. */
    list (): Array<{ name: string, world: World }> {
      return [{ name: DEFAULT_NAMESPACE, world: defaultWorld }, ...[...opened].map(([name, world]) => ({ name, world }))]
    },

    /**
     * Closes a namespace and deletes its data; false when there was none (open or on disk). From its start, the
     * namespace takes no new work (src/world.ts) and requests that name it wait; work already queued commits first.
     * Its files go only once its connections are closed, and only then may the name open again: nothing acknowledged
     * is written to deleted files.
     */
    async drop (name: string): Promise<boolean> {
      const under = dropping.get(name)
      if (under !== undefined) return await under.then(() => false)
      const world = opened.get(name)
      const task = (async (): Promise<boolean> => {
        opened.delete(name)
        if (world !== undefined) await world.close()
        if (folder === undefined) return world !== undefined
        // Exactly this name as the folder spells it: on a case-insensitive file system "Suite" must not delete "suite".
        if (world === undefined && !onDisk().has(name)) return false
        own()
        const path = namespacePath(defaultWorld.path, name)
        for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true })
        return true
      })()
      dropping.set(name, task)
      try {
        return await task
      } finally {
        dropping.delete(name)
      }
    },

    /** Stops the checkpoint worker (its connections closed at once, not one by one), then closes every world, the default one last. */
    async close (): Promise<void> {
      await Promise.allSettled(dropping.values())
      await checkpointer?.stop()
      checkpointer = undefined
      for (const world of opened.values()) await world.close()
      opened.clear()
      owner?.release()
      owner = undefined
      await strangerWorld.close()
      await defaultWorld.close()
    }
  }
}

export type Namespaces = ReturnType<typeof createNamespaces>
