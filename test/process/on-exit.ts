// What to kill when the test process exits (a test file failing at its top level skips its teardowns): one 'exit'
// listener for all of them. A listener each made Node warn of a leak once a suite had 11 commands running at once.
const kills = new Set<() => void>()
let listening = false

/** Runs `kill` if the process exits before the returned function is called. */
export function killOnExit (kill: () => void): () => void {
  if (!listening) {
    process.once('exit', () => { for (const each of kills) each() })
    listening = true
  }
  kills.add(kill)
  return () => { kills.delete(kill) }
}
