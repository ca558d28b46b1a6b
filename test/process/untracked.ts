// tap puts its process tracking (@tapjs/processinfo, module hooks included) into the NODE_OPTIONS of every process a
// test starts, whatever env the test gives it: `basic-admin-mock --help` then takes 460 ms instead of 175, and the
// suite starts hundreds of processes. Only coverage needs it (npm run coverage counts the lines spawned servers run),
// so without coverage the processes the tests start go without it, through env -u.
const tracked = process.env._TAPJS_PROCESSINFO_COVERAGE_ !== '0'

/** The command and arguments to spawn: it (and any Node it starts) runs without tap's NODE_OPTIONS unless coverage is on. */
export function untracked (command: string, args: string[]): [string, string[]] {
  return tracked ? [command, args] : ['/usr/bin/env', ['-u', 'NODE_OPTIONS', command, ...args]]
}
