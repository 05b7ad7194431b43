/**
 * Prints every differential query that disagrees, with the reason.
 *   node --import tsx test/differential/run.ts [NAME-FILTER] [--write-known-failures]
 * --write-known-failures replaces known-failures.json with the queries that disagree now.
 */
import { writeFileSync } from 'node:fs'
import { QUERIES } from './queries.ts'
import { closeEngines, compareQuery, openEngines } from './harness.ts'

const args = process.argv.slice(2)
const write = args.includes('--write-known-failures')
const filter = args.find(a => !a.startsWith('--'))
if (write && filter !== undefined) {
  console.error('--write-known-failures needs a run of every query (no name filter)')
  process.exit(2)
}
const { engines, setupError } = await openEngines()
if (setupError !== undefined) console.log(`setup failed on Grizzly: ${setupError}`)
const failures: Record<string, string> = {}
let agree = 0
for (const q of QUERIES) {
  if (filter !== undefined && !q.name.includes(filter)) continue
  const v = await compareQuery(engines, q)
  if (v.agree) { agree++; continue }
  failures[q.name] = v.message.split('\n')[0]!.slice(0, 200)
  console.log(`DIFF ${q.name}: ${q.sql}\n  ${v.message.split('\n').join('\n  ')}`)
}
await closeEngines(engines)
console.log(`${agree} agree, ${Object.keys(failures).length} disagree`)
if (write) {
  writeFileSync(new URL('./known-failures.json', import.meta.url), JSON.stringify({ queries: failures }, null, 1) + '\n')
  console.log('wrote test/differential/known-failures.json')
}
