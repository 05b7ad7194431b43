/**
 * Runs sqllogictest files in this process and prints one line per file.
 *   node --import tsx test/slt/run-files.ts [--engine grizzly|duckdb] [--dialect duckdb|sqlite] FILE…
 * The dialect defaults to sqlite for files under a `sqlite/` folder, else duckdb.
 */
import { resolve } from 'node:path'
import { runSltFile } from './runner.ts'
import { engineFactory, type EngineName } from './engines.ts'
import { formatFileResult } from './report.ts'

const args = process.argv.slice(2)
let engineName: EngineName = 'grizzly'
let dialectArg: 'duckdb' | 'sqlite' | undefined
const files: string[] = []
for (let i = 0; i < args.length; i++) {
  const a = args[i]!
  if (a === '--engine') engineName = args[++i] === 'duckdb' ? 'duckdb' : 'grizzly'
  else if (a === '--dialect') dialectArg = args[++i] === 'sqlite' ? 'sqlite' : 'duckdb'
  else files.push(a)
}
let failed = 0
for (const file of files) {
  const dialect = dialectArg ?? (/(^|[\\/])sqlite[\\/]/.test(resolve(file)) ? 'sqlite' : 'duckdb')
  const full = resolve(file)
  // DuckDB files read `data/…` relative to the folder that holds `tests/`
  const root = /^(.*)[\\/]tests[\\/]/.exec(full)?.[1]
  if (root !== undefined) process.chdir(root)
  const result = await runSltFile(full, { dialect, engine: engineFactory(engineName), dataDir: root === undefined ? undefined : resolve(root, 'data') })
  if (result.status === 'fail') failed++
  console.log(formatFileResult(result, true))
}
process.exitCode = failed > 0 ? 1 : 0
