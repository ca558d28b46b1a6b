// How many file descriptors this process may open and has open, where the system says (Linux's /proc; macOS's
// /dev/fd lists the open ones). A namespace's database holds five; a server out of descriptors cannot accept a
// connection (clients see ECONNRESET), so namespaces stop opening well before that (src/namespaces.ts).
import { readdirSync, readFileSync } from 'node:fs'

/** The soft RLIMIT_NOFILE ("ulimit -n") as Node raised it at start, or undefined where it cannot be read. */
export function descriptorLimit (): number | undefined {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    return line === null || line[1] === 'unlimited' ? undefined : Number(line[1])
  } catch {
    return undefined
  }
}

/** The descriptors open now, or undefined where they cannot be listed. */
export function descriptorsOpen (): number | undefined {
  for (const folder of ['/proc/self/fd', '/dev/fd']) {
    try {
      return readdirSync(folder).length
    } catch {}
  }
  return undefined
}

/** Whether an error is the process (or the system) being out of descriptors, as Node or SQLite reports it. */
export function outOfDescriptors (error: unknown): boolean {
  const { code, message } = error as { code?: unknown, message?: unknown }
  return code === 'EMFILE' || code === 'ENFILE' || (code === 'SQLITE_CANTOPEN' && /too many open files/i.test(String(message))) ||
    /EMFILE|too many open files/i.test(String(message))
}
