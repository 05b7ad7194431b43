/**
 * HNSW crash-test writer: commits rows with embeddings into a table with an hnsw index (inserts,
 * updates of the embedding, deletes), printing each step's number once its COMMIT returned;
 * the parent kills it at random. plugins/vector is loaded after open: the stored index waits
 * for its method, then is rebuilt from the rows.
 * usage: node --import tsx hnsw-crash-child.ts FILE START BUNDLE PUBLIC_KEY INSTALL_DIR
 */
import { writeSync } from 'node:fs'
import { embedding, vectorSql } from './hnsw-crash-data.ts'
import { openWithVector } from '../../bench/vector-plugin.ts'

const [path, startText, bundle, publicKey, installed] = process.argv.slice(2)
if (path === undefined || startText === undefined || bundle === undefined || publicKey === undefined || installed === undefined) {
  throw new Error('usage: hnsw-crash-child.ts FILE START BUNDLE PUBLIC_KEY INSTALL_DIR')
}
const db = await openWithVector({ bundle, publicKey, installed }, path)
await db.exec(`SET checkpoint_threshold = '16KB'`)
await db.exec(`CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, embedding FLOAT[8])`)
await db.exec(`CREATE INDEX IF NOT EXISTS idx ON docs USING hnsw (embedding) WITH (metric = 'l2', m = 8)`)
writeSync(1, 'ready\n')
for (let id = Number(startText); ; id++) {
  let sql = `BEGIN; INSERT INTO docs VALUES (${id}, ${vectorSql(embedding(id))});`
  if (id % 5 === 2) sql += ` UPDATE docs SET embedding = ${vectorSql(embedding(id + 100_000))} WHERE id = ${id - 1};`
  if (id % 7 === 3) sql += ` DELETE FROM docs WHERE id = ${id - 3};`
  await db.exec(`${sql} COMMIT`)
  writeSync(1, `${id}\n`)
}
