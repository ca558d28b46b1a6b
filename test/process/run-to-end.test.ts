// A command run to its end takes what it started with it: a shell's background job, npx and the tool npx starts.
// Without that, a recipe that timed out left its tool running after the test process (a portman at a third of a core).
import t from 'tap'
import { readFileSync } from 'node:fs'
import { runToEnd } from './run-to-end.js'
import { patience, until } from '../patience.js'

/** Whether the process is gone (a zombie waiting for its reaper counts as gone). */
function gone (pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z')
  } catch {
    return true
  }
}

t.test('a command that outlives its limit is killed with everything it started', async t => {
  const error = await runToEnd('bash', ['-c', 'sleep 120 & echo "job $!"; wait'], { env: {}, timeoutMs: 500, what: 'a shell waiting on a job' })
    .then(() => undefined, (error: Error) => error)
  t.match(error?.message, /^a shell waiting on a job did not finish in 500 ms; stdout: job \d+/)
  const pid = Number(/job (\d+)/.exec(error!.message)![1])
  await until(`the background sleep ${pid} to end with its command`, () => gone(pid))
  t.ok(gone(pid), `the background sleep (${pid}) went with the shell`)
})

t.test('a command that ends leaves nothing running that it started', async t => {
  const ran = await runToEnd('bash', ['-c', 'sleep 120 > /dev/null 2>&1 & echo "job $!"'], { env: {}, timeoutMs: patience(2_000), what: 'a shell starting a job' })
  t.equal(ran.code, 0)
  const pid = Number(/job (\d+)/.exec(ran.stdout)![1])
  await until(`the background sleep ${pid} to end with its command`, () => gone(pid))
  t.ok(gone(pid), `the background sleep (${pid}) went with the shell`)
})
