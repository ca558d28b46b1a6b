/** The server's notion of "now", in epoch milliseconds; injectable for tests. */
export interface Clock {
  now: () => number
  /** Back to where it started, for a clock that has a start (CLOCK). */
  reset?: () => void
}

export const systemClock: Clock = { now: () => Date.now() }

/** CLOCK: starts at `start` and moves one millisecond per reading, and the server reads it once per write. */
export function steppingClock (start: number): Clock {
  let next = start
  return { now: () => next++, reset: () => { next = start } }
}

export function isoTime (ms: number): string {
  return new Date(ms).toISOString()
}

const INSTANT = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d{1,9})?)?(?:Z|[+-](\d\d):(\d\d))$/i

/**
 * An ISO 8601 instant with a zone, in epoch ms; undefined when it is not one as written. Date.parse alone rolls
 * 30 February over into March and reads 24:00 as the next day: every field must exist as written.
 */
export function parseInstant (text: string): number | undefined {
  const match = INSTANT.exec(text)
  if (match === null) return undefined
  const [year, month, day, hour, minute, second, zoneHours, zoneMinutes] = match.slice(1).map(part => part === undefined ? 0 : Number(part)) as number[] as [number, number, number, number, number, number, number, number]
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined
  if (hour > 23 || minute > 59 || second > 59 || zoneHours > 23 || zoneMinutes > 59) return undefined
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}
