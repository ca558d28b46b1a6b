// How many file descriptors this process may open and has open, where the system says (Linux's /proc; macOS's
// /dev/fd lists the open ones). A namespace's database holds five; a server out of descriptors cannot accept a
// connection (clients see ECONNRESET), so namespaces stop opening well before that (src/namespaces.ts).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'

/** The soft RLIMIT_NOFILE ("ulimit -n") as Node raised it at start, or undefined where it cannot be read. */
export function descriptorLimit (): number | undefined {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    return line === null || line[1] === 'unlimited' ? undefined : Number(line[1])
  } catch {
    return undefined
  }
}

/**
 * The descriptors open now, or undefined where they cannot be listed; with `under`, also how many of them are files
 * whose path starts with it (0 where links cannot be read).
 */
export function descriptorsOpen (under?: string): { total: number, under: number } | undefined {
  for (const folder of ['/proc/self/fd', '/dev/fd']) {
    let entries: string[]
    try {
      entries = readdirSync(folder)
    } catch {
      continue
    }
    let inside = 0
    if (under !== undefined) {
      for (const entry of entries) {
        try {
          if (readlinkSync(join(folder, entry)).startsWith(under)) inside++
        } catch {}
      }
    }
    return { total: entries.length, under: inside }
  }
  return undefined
}

/** Whether an error is the process (or the system) being out of descriptors, as Node or SQLite reports it. */
export function outOfDescriptors (error: unknown): boolean {
  const { code, message } = error as { code?: unknown, message?: unknown }
  return code === 'EMFILE' || code === 'ENFILE' || (code === 'SQLITE_CANTOPEN' && /too many open files/i.test(String(message))) ||
    /EMFILE|too many open files/i.test(String(message))
}
