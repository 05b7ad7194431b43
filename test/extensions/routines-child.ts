/**
 * Writer for routines-persist.test.ts: runs the statements given as arguments against FILE
 * (each is acknowledged once it returned), prints "done", then waits to be killed.
 * usage: node --no-node-snapshot --import tsx routines-child.ts FILE SQL…
 */
import { writeSync } from 'node:fs'
import { Database } from '../../index.ts'

const [path, ...statements] = process.argv.slice(2)
if (path === undefined) throw new Error('usage: routines-child.ts FILE SQL…')
const db = await Database.open(path)
for (const sql of statements) await db.exec(sql)
writeSync(1, 'done\n')
// never closes: the parent kills it with SIGKILL, so nothing but the commits is on disk
setInterval(() => undefined, 60_000)
