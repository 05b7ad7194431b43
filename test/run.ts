/**
 * Runs every node:test suite (`**\/*.test.ts` under test/) in one `node --test` invocation,
 * because Node 20's test runner does not expand globs itself.
 */
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const only = process.argv.slice(2)

function collect(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue
    const full = join(dir, name)
    if (statSync(full).isDirectory()) collect(full, out)
    else if (name.endsWith('.test.ts')) out.push(relative(root, full))
  }
  return out
}

let files = collect(join(root, 'test'), []).sort()
if (only.length > 0) files = files.filter(f => only.some(o => f.includes(o)))
const result = spawnSync(process.execPath,
  ['--no-node-snapshot', '--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit' })
process.exit(result.status ?? 1)
