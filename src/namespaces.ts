// The worlds of a server, by namespace: the default one, built at start, and one per X-Mock-Namespace name, opened on
// first use from the same seed. A namespace of a file database keeps its data in a file of its own beside it
// (<DATABASE_PATH>.namespaces/<name>.db), so it survives a restart and comes back when its name is used again.
import { mkdirSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { startCheckpointer, type Checkpointer } from './db/checkpointer.js'
import { DEFAULT_NAMESPACE } from './domain/namespace.js'
import type { World, WorldOptions } from './world.js'

export interface NamespacesOptions {
  defaultWorld: World
  /** Opens (and seeds) the world of a new namespace at this database path. */
  open: (name: string, path: string) => World
  /** How many namespaces besides the default one may be open at once. */
  limit: number
}

export class NamespaceLimitError extends Error {}

/** How often the checkpoint worker copies each -wal into its database file. */
const CHECKPOINT_INTERVAL_MS = 50

/** Where a namespace's database lives, beside the default one; in memory when the default one is. */
export function namespacePath (defaultPath: WorldOptions['path'], name: string): string {
  if (defaultPath === ':memory:' || defaultPath.startsWith('file:')) return ':memory:'
  // A prefix, so that "." and ".." are plain file names.
  return join(dirname(defaultPath), `${basename(defaultPath)}.namespaces`, `ns-${name}.db`)
}

export function createNamespaces (options: NamespacesOptions) {
  const { defaultWorld } = options
  const opened = new Map<string, World>()
  let checkpointer: Checkpointer | undefined

  return {
    default: defaultWorld,

    /** The world of a valid name (checked by the caller), opened on first use; throws NamespaceLimitError past the limit. */
    get (name: string): World {
      if (name === DEFAULT_NAMESPACE) return defaultWorld
      const known = opened.get(name)
      if (known !== undefined) return known
      if (opened.size >= options.limit) throw new NamespaceLimitError(`the server holds ${options.limit} namespaces (NAMESPACE_LIMIT): drop one with DELETE /__admin/namespaces/{name}`)
      const path = namespacePath(defaultWorld.path, name)
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
      const world = options.open(name, path)
      opened.set(name, world)
      if (checkpointer !== undefined) world.checkpointInBackground(checkpointer)
      return world
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

    /** Closes a namespace and deletes its data; false when there was none (open or on disk). */
    async drop (name: string): Promise<boolean> {
      const world = opened.get(name)
      opened.delete(name)
      await world?.close()
      const path = namespacePath(defaultWorld.path, name)
      if (path === ':memory:') return world !== undefined
      let existed = world !== undefined
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        try {
          rmSync(file)
          existed = true
        } catch {}
      }
      return existed
    },

    /** Stops the checkpoint worker (its connections closed at once, not one by one), then closes every world, the default one last. */
    async close (): Promise<void> {
      await checkpointer?.stop()
      checkpointer = undefined
      for (const world of opened.values()) await world.close()
      opened.clear()
      await defaultWorld.close()
    }
  }
}

export type Namespaces = ReturnType<typeof createNamespaces>
