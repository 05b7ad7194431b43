/**
 * Child of buffer-manager.test.ts: opens a database file, scans its table t under the given
 * memory_limit, and prints the answer, the process RSS after a full GC and the resident table data.
 */
import { Database } from '../../core/database.ts'

const [path, limit] = process.argv.slice(2)
const db = await Database.open(path!)
await db.exec(`SET memory_limit = '${limit}'`)
const rows = (await db.query('SELECT sum(id), sum(d), max(s), count(*) FILTER (WHERE k = 7) FROM t')).rows
;(globalThis as { gc?: () => void }).gc?.()
const info = Object.fromEntries(((await db.query('PRAGMA storage_info')).rows as string[][]).map(r => [r[0], r[1]]))
console.log(JSON.stringify({
  answer: JSON.stringify(rows, (_k, v) => typeof v === 'bigint' ? String(v) : v),
  rss: process.memoryUsage().rss,
  resident: Number(info.table_data_resident_bytes),
  limit: Number(info.table_data_limit_bytes),
}))
await db.close()
