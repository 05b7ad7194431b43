/**
 * Crash-test writer: commits numbered rows from `start` on, printing each id once its COMMIT
 * returned (the acknowledgement), with checkpoints mixed in; the parent kills it at random.
 * usage: node --import tsx crash-child.ts FILE START
 */
import { writeSync } from 'node:fs'
import { Database } from '../../core/database.ts'

const [path, startText] = process.argv.slice(2)
if (path === undefined || startText === undefined) throw new Error('usage: crash-child.ts FILE START')
const db = await Database.open(path, { settings: { checkpoint_threshold: '8KB' } })
await db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v VARCHAR NOT NULL, n DOUBLE)')
writeSync(1, 'ready\n')
for (let id = Number(startText); ; id++) {
  switch (id % 9) {
    case 3:
      // a transaction of several statements: the row, then a change to an earlier one
      await db.exec(`BEGIN; INSERT INTO t VALUES (${id}, 'x${id}', ${id}); UPDATE t SET n = n + 1 WHERE id = ${id - 2}; COMMIT`)
      break
    case 7:
      await db.exec(`INSERT INTO t VALUES (${id}, '${'w'.repeat(id % 200)}', NULL)`)
      await db.exec('CHECKPOINT')
      break
    default:
      await db.query('INSERT INTO t VALUES ($1, $2, $3)', [id, `v${id}`, id / 2])
  }
  writeSync(1, `${id}\n`)
}
