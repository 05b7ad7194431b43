/**
 * Kills crash-child.ts writers at random points and checks after each kill that every
 * acknowledged commit is in the file, nothing else is (but the one in flight), and that
 * PRAGMA integrity_check passes. Used by crash.test.ts and crash-long.ts.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSync } from 'esbuild'
import { Database } from '../../core/database.ts'
import { runAckingChild } from './acking-child.ts'

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url))

/** the child bundled once into one file: it starts several times faster than through tsx, so more kills fit */
let bundled: string | null = null
function childCommand(): string[] {
  if (bundled === null) {
    // inside node_modules so the bundle resolves the packages it leaves external
    const cache = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url))
    mkdirSync(cache, { recursive: true })
    const dir = mkdtempSync(join(cache, 'grizzly-crash-child-'))
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
    bundled = join(dir, 'child.mjs')
    buildSync({ entryPoints: [CHILD], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundled, target: 'node20', logLevel: 'error' })
  }
  return [bundled]
}

export interface LaneResult { kills: number; rows: number }

/** runs one child until it has acknowledged a random few commits, then kills it after a random delay; returns the acked ids */
async function runChild(path: string, start: number, random: () => number): Promise<number[]> {
  let killTimer: NodeJS.Timeout | null = null
  const killAfterAcks = Math.floor(random() * 12)
  try {
    return await runAckingChild([...childCommand(), path, String(start)], (acked, line, kill) => {
      if (killTimer === null && (line === 'ready' ? killAfterAcks === 0 : acked.length >= killAfterAcks)) {
        // kill somewhere in the next few commits: inside a commit, a checkpoint or between them
        killTimer = setTimeout(kill, Math.floor(random() * 25))
      }
    })
  } finally {
    if (killTimer !== null) clearTimeout(killTimer)
  }
}

/** kills `kills` children one after another on `path`, checking the file after each */
export async function crashLane(path: string, kills: number, seed: number): Promise<LaneResult> {
  let state = seed >>> 0
  const random = (): number => { state = (state * 1664525 + 1013904223) >>> 0; return state / 2 ** 32 }
  const present = new Set<number>()
  let next = 0
  for (let k = 0; k < kills; k++) {
    const acked = await runChild(path, next, random)
    for (const id of acked) present.add(id)
    const inFlight = acked.length > 0 ? acked[acked.length - 1]! + 1 : next
    const db = await Database.open(path)
    try {
      const rows = (await db.query('SELECT id FROM t ORDER BY id').catch(() => ({ rows: [] as unknown[][] }))).rows.map(r => r[0] as number)
      const got = new Set(rows)
      const missing = [...present].filter(id => !got.has(id))
      if (missing.length > 0) throw new Error(`kill ${k}: acknowledged rows missing: ${missing.slice(0, 10).join(', ')}`)
      const extra = rows.filter(id => !present.has(id))
      if (extra.length > 1 || (extra.length === 1 && extra[0] !== inFlight)) throw new Error(`kill ${k}: rows never acknowledged: ${extra.slice(0, 10).join(', ')} (in flight ${inFlight})`)
      for (const id of extra) present.add(id)
      const check = (await db.query('PRAGMA integrity_check')).rows.map(r => String(r[0]))
      if (check.join() !== 'ok') throw new Error(`kill ${k}: integrity_check: ${check.join('; ')}`)
      next = Math.max(inFlight, ...rows.map(id => id + 1))
    } finally {
      await db.close()
    }
  }
  return { kills, rows: present.size }
}
