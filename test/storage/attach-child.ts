/**
 * Child process of the ATTACH crash test: attaches the file given as argv[2] to an in-memory
 * database, then inserts one row per autocommit statement into it and prints each committed id,
 * until it is killed.
 */
import { Database } from '../../core/database.ts'

const path = process.argv[2]!
const db = await Database.open()
await db.exec(`ATTACH '${path}' AS a; CREATE TABLE IF NOT EXISTS a.t (id INTEGER PRIMARY KEY, pad VARCHAR)`)
process.stdout.write('ready\n')
for (let i = 1; ; i++) {
  await db.query(`INSERT INTO a.t VALUES (${i}, repeat('x', 100))`)
  process.stdout.write(`${i}\n`)
}
