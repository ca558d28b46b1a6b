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
