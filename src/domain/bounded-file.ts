// Input files (a fixture, a PEM key) are read with a size bound: a setting that names /dev/zero, /dev/urandom or a
// huge file must end in one clear line, fast, not grow the process by gigabytes until the machine gives out.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'

/** A file past its bound: `limit` is the bound in bytes. */
export class FileTooLargeError extends Error {
  readonly code = 'EFBIG'
  constructor (readonly path: string, readonly limit: number) {
    super(`${path} is larger than ${sizeText(limit)}`)
  }
}

export const sizeText = (bytes: number): string => bytes >= 1024 * 1024 ? `${bytes / 1024 / 1024} MiB` : `${bytes / 1024} KiB`

/**
 * The file's bytes, at most `limit` of them: throws FileTooLargeError past it (a device that never ends too), and the
 * system's own error (ENOENT, EACCES, EISDIR...) otherwise. Opened without blocking, so a FIFO without a writer reads
 * as empty instead of hanging the start.
 */
export function readBoundedFile (path: string, limit: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const stat = fstatSync(fd)
    if (stat.isFile() && stat.size > limit) throw new FileTooLargeError(path, limit)
    const buffer = Buffer.alloc(Math.min(limit + 1, stat.isFile() ? stat.size + 1 : limit + 1))
    let length = 0
    for (;;) {
      if (length === buffer.length) {
        if (length > limit) throw new FileTooLargeError(path, limit)
        break
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null)
      if (read === 0) break
      length += read
    }
    if (length > limit) throw new FileTooLargeError(path, limit)
    return buffer.subarray(0, length)
  } finally {
    closeSync(fd)
  }
}
