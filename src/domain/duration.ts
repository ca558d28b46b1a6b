// Token lifetimes as people write them: "90", "90s", "15m", "1h", "7d".
export const DURATION_HINT = 'look like 90s, 15m, 1h or 7d'

/** Seconds, or undefined when the text is not a positive duration. */
export function parseDuration (text: string): number | undefined {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text)
  if (match === null || Number(match[1]) === 0) return undefined
  return Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd']
}

/** The longest token lifetime: its expiry must stay a date every JWT library and Date can hold. */
export const MAX_DURATION_S = 36_500 * 86_400
export const MAX_DURATION_TEXT = '36500d (100 years)'
