/**
 * Longer crash run: node --import tsx test/storage/crash-long.ts [KILLS] [LANES]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crashLane } from './crash-harness.ts'

const kills = Number(process.argv[2] ?? 1000)
const lanes = Number(process.argv[3] ?? 2)
const dir = mkdtempSync(join(tmpdir(), 'grizzly-crash-long-'))
const started = Date.now()
try {
  const results = await Promise.all(Array.from({ length: lanes }, (_, lane) => crashLane(join(dir, `lane${lane}.grz`), Math.ceil(kills / lanes), Date.now() + lane)))
  const rows = results.reduce((s, r) => s + r.rows, 0)
  console.log(`${results.reduce((s, r) => s + r.kills, 0)} kills, ${rows} rows committed, every acknowledged commit found, ${((Date.now() - started) / 1000).toFixed(0)} s`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
