import neostandard from 'neostandard'

export default neostandard({
  ts: true,
  ignores: ['dist/**', 'dist-test/**', 'node_modules/**', '.tap/**']
})
