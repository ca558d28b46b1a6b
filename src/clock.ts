/** The server's notion of "now", in epoch milliseconds; injectable for tests. */
export interface Clock {
  now: () => number
}

export const systemClock: Clock = { now: () => Date.now() }

export function isoTime (ms: number): string {
  return new Date(ms).toISOString()
}
