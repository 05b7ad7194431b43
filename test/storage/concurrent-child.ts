/**
 * Two interleaved writers on one file: the first commits, the second is left open; prints
 * `ready` once the first commit returned, then waits to be killed (concurrent-writers.test.ts).
 * usage: node --import tsx concurrent-child.ts FILE
 */
import { writeSync } from 'node:fs'
import { Database } from '../../core/database.ts'

const [path] = process.argv.slice(2)
if (path === undefined) throw new Error('usage: concurrent-child.ts FILE')
const db = await Database.open(path)
await db.exec(`CREATE TABLE t (id INTEGER, who VARCHAR); INSERT INTO t VALUES (99, 'base'), (100, 'base'), (101, 'base');
               CREATE TABLE base (id INTEGER PRIMARY KEY, v VARCHAR); INSERT INTO base VALUES (100, 'base'), (101, 'base'), (102, 'base')`)
const a = db.connect(), b = db.connect()
await a.exec("BEGIN; INSERT INTO t VALUES (1, 'a')")
await b.exec("BEGIN; INSERT INTO t VALUES (2, 'b')")
await a.exec("INSERT INTO t VALUES (3, 'a'), (5, 'a'); UPDATE base SET v = 'a' WHERE id = 100")
await b.exec("UPDATE base SET v = 'b' WHERE id = 101; DELETE FROM t WHERE id = 99; INSERT INTO t VALUES (4, 'b')")
await a.exec('COMMIT')
writeSync(1, 'ready\n')
setInterval(() => undefined, 1000)
