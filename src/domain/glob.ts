// A `*` pattern (each * any run of characters, / included; everything else literal) as a test of a text, in time
// linear in the text for a pattern of bounded length: the literal parts are found left to right, each at its first
// place after the one before. A regular expression of `.*`s backtracks: /project/*/key/*/regenerate took 68 ms per
// hostile 16 KiB path, so a journal query stalled the server for seconds.

export function globMatcher (pattern: string): (text: string) => boolean {
  const parts = pattern.split('*')
  if (parts.length === 1) return text => text === pattern
  const first = parts[0]!
  const last = parts[parts.length - 1]!
  const middle = parts.slice(1, -1).filter(part => part !== '')
  const shortest = first.length + last.length + middle.reduce((sum, part) => sum + part.length, 0)
  return text => {
    if (text.length < shortest || !text.startsWith(first) || !text.endsWith(last)) return false
    const end = text.length - last.length
    let at = first.length
    for (const part of middle) {
      const found = text.indexOf(part, at)
      if (found === -1 || found + part.length > end) return false
      at = found + part.length
    }
    return true
  }
}
