import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crashLane } from './crash-harness.ts'

test('writers killed with SIGKILL at 200 random points lose no acknowledged commit', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-crash-'))
  try {
    // two lanes in parallel, one file each: children start back to back
    const lanes = await Promise.all([0, 1].map(lane => crashLane(join(dir, `lane${lane}.grz`), 100, 1234 + lane)))
    assert.equal(lanes.reduce((s, l) => s + l.kills, 0), 200)
    for (const lane of lanes) assert.ok(lane.rows > 100, `only ${lane.rows} rows committed`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
