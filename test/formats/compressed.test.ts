/**
 * Compressed text input (.gz through a node:zlib worker, .zst through fzstd) streams block by
 * block: equal to the plain file, bounded memory on a file far larger than the bound, and
 * every damaged stream a 22P04 naming the file and where the damage is.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createWriteStream, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { once } from 'node:events'
import { createGzip, gzipSync } from 'node:zlib'
import { Database } from '../../core/database.ts'
import { decompressedStream } from '../../core/formats/source.ts'
import { duckRun, fails, sqlString as q, tempDir } from './csv-helpers.ts'

const t = tempDir('grizzly-compressed-')
test.after(t.cleanup)

/** About 6 MiB of CSV: ints, decimals, text that needs quoting, dates, NULLs. */
function csvText(rows: number): string {
  const lines = ['id,name,amount,day,note']
  for (let i = 0; i < rows; i++) {
    const note = i % 7 === 0 ? '' : i % 11 === 0 ? `"say ""hi"", ${i}"` : `n${(i * 2654435761) % 100003}`
    lines.push(`${i},name_${i % 997},${(i * 0.25).toFixed(2)},2024-${String(1 + i % 12).padStart(2, '0')}-${String(1 + i % 28).padStart(2, '0')},${note}`)
  }
  return lines.join('\n') + '\n'
}

async function allRows(db: Database, from: string): Promise<unknown[][]> {
  return (await db.query(`SELECT * FROM ${from} ORDER BY id`)).rows
}

test('gzip (one member and several) and zstd CSV, TSV and NDJSON read equal to the plain files', async () => {
  const text = csvText(150_000)
  assert.ok(text.length > 5 << 20)
  const plain = t.file('data.csv', text)
  const gz = t.file('data.csv.gz', gzipSync(text))
  // concatenated members, as bgzip and `cat a.gz b.gz` make, cut mid-line
  const cut = text.indexOf('\n', text.length >> 1) - 5
  const members = t.file('members.csv.gz', Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut))]))
  const zst = join(t.dir, 'data.csv.zst')
  await duckRun(`COPY (SELECT * FROM read_csv(${q(plain)}, all_varchar = true)) TO ${q(zst)} (HEADER, COMPRESSION zstd)`)
  const hidden = t.file('hidden-gzip', gzipSync(text))
  const db = await Database.open()
  const expected = await allRows(db, q(plain))
  assert.equal(expected.length, 150_000)
  for (const from of [q(gz), q(members), q(zst), `read_csv(${q(hidden)})`]) {
    assert.deepEqual(await allRows(db, from), expected, from)
  }
  assert.deepEqual((await db.query(`DESCRIBE ${q(gz)}`)).rows, (await db.query(`DESCRIBE ${q(plain)}`)).rows)

  const tsv = text.replace(/,/g, '\t').replace(/"say ""hi""\t (\d+)"/g, 'say $1')
  const tsvGz = t.file('data.tsv.gz', gzipSync(tsv))
  const tsvPlain = t.file('data.tsv', tsv)
  assert.deepEqual(await allRows(db, q(tsvGz)), await allRows(db, q(tsvPlain)))

  const json = expected.slice(0, 60_000).map(r => JSON.stringify({ id: Number(r[0]), name: r[1], note: r[4] })).join('\n') + '\n'
  const ndPlain = t.file('data.ndjson', json)
  const ndGz = t.file('data.ndjson.gz', gzipSync(json))
  const ndZst = join(t.dir, 'data.jsonl.zst')
  await duckRun(`COPY (SELECT * FROM read_json(${q(ndPlain)})) TO ${q(ndZst)} (FORMAT json, COMPRESSION zstd)`)
  const ndExpected = await allRows(db, q(ndPlain))
  assert.equal(ndExpected.length, 60_000)
  assert.deepEqual(await allRows(db, q(ndGz)), ndExpected)
  assert.deepEqual(await allRows(db, q(ndZst)), ndExpected)
  await db.close()
})

test('a damaged compressed file is 22P04 naming the file and the byte where it breaks, small or large', async () => {
  const db = await Database.open()
  const text = csvText(150_000)
  const large = gzipSync(text)
  assert.ok(large.length > 1 << 20)
  // small files are inflated in one call, large ones through the worker: both report the same way
  for (const [size, base] of [['small', gzipSync(text.slice(0, 200_000))], ['large', large]] as const) {
    const truncated = t.file(`cut-${size}.csv.gz`, base.subarray(0, Math.floor(base.length * 0.6)))
    const e = await fails(db, `SELECT count(*) FROM ${q(truncated)}`, '22P04', /truncated/)
    assert.match(e.message, new RegExp(`cut-${size}\\.csv\\.gz.*ends at byte ${Math.floor(base.length * 0.6)}`))
    // gzip's magic bytes, then bytes that do not inflate
    const garbage = Buffer.from(base)
    for (let i = 20; i < garbage.length; i += 3) garbage[i] = 0xff
    const g = t.file(`garbage-${size}.csv.gz`, garbage)
    const e2 = await fails(db, `SELECT * FROM ${q(g)}`, '22P04', /not valid gzip data/)
    assert.match(e2.message, /at compressed byte \d+ of \d+/)
    assert.match(e2.hint ?? '', /gzip -t/)
  }
  // named .gz but plain text
  const liar = t.file('liar.csv.gz', 'a,b\n1,2\n')
  await fails(db, `SELECT * FROM ${q(liar)}`, '22P04', /liar\.csv\.gz.*not compressed that way/)
  await fails(db, `SELECT * FROM read_json(${q(t.file('liar.json.gz', '{"a": 1}\n'))})`, '22P04', /not compressed that way/)
  // a truncated NDJSON stream: the reader sees the cut, not a short table
  const nd = gzipSync(Array.from({ length: 200_000 }, (_, i) => `{"i": ${i}}`).join('\n'))
  await fails(db, `SELECT count(*) FROM ${q(t.file('cut.ndjson.gz', nd.subarray(0, nd.length - 9)))}`, '22P04', /truncated/)
  // zstd cut short
  const zst = join(t.dir, 'cut-src.csv.zst')
  await duckRun(`COPY (SELECT range AS id, md5(range::VARCHAR) AS h FROM range(200000)) TO ${q(zst)} (HEADER, COMPRESSION zstd)`)
  const zbytes = readFileSync(zst)
  const zcut = t.file('cut.csv.zst', zbytes.subarray(0, zbytes.length >> 1))
  const ze = await fails(db, `SELECT count(*) FROM read_csv(${q(zcut)}, types = {'id': 'BIGINT', 'h': 'VARCHAR'})`, '22P04', /cut\.csv\.zst/)
  assert.match(ze.message, new RegExp(`is truncated: its zstd data ends at byte ${zbytes.length >> 1}`))
  // zstd's magic bytes, then bytes that do not decode: sniffing already sees it
  const zgarbage = Buffer.from(zbytes)
  for (let i = 20; i < zgarbage.length; i += 3) zgarbage[i] = 0xff
  const zg = await fails(db, `SELECT count(*) FROM ${q(t.file('garbage.csv.zst', zgarbage))}`, '22P04', /garbage\.csv\.zst" is not valid zstd data \(.*in compressed bytes \d+–\d+\)/)
  assert.match(zg.hint ?? '', /zstd -t/)
  // whole-file formats (Arrow, Avro, Parquet) inflate in one call, with the same words
  await db.exec(`COPY (SELECT range AS id, md5(range::VARCHAR) AS h FROM range(20000)) TO ${q(join(t.dir, 'whole.arrow'))}`)
  const arrow = gzipSync(readFileSync(join(t.dir, 'whole.arrow')))
  const ae = await fails(db, `SELECT count(*) FROM ${q(t.file('cut.arrow.gz', arrow.subarray(0, arrow.length >> 1)))}`, '22P04', /cut\.arrow\.gz/)
  assert.match(ae.message, new RegExp(`is truncated: its gzip data ends at byte ${arrow.length >> 1}`))
  await db.close()
})

test('the stream ends when the reader stops early (LIMIT), and reading again works', async () => {
  const path = t.file('limit.csv.gz', gzipSync(csvText(150_000)))
  const db = await Database.open()
  for (let i = 0; i < 3; i++) {
    assert.deepEqual((await db.query(`SELECT id FROM ${q(path)} LIMIT 2`)).rows, [[0n], [1n]])
  }
  assert.deepEqual((await db.query(`SELECT count(*) FROM ${q(path)}`)).rows, [[150_000n]])
  // the stream by itself: close() after one block stops the worker; next() then ends
  const s = decompressedStream(path, 'gzip', 1 << 16)
  assert.equal(s.next()?.length, 1 << 16)
  s.close()
  assert.equal(s.next(), null)
  await db.close()
})

test('memory stays bounded: a .gz inflating to 160 MiB reads with a few MiB of buffers', async () => {
  const path = join(t.dir, 'huge.csv.gz')
  const out = createWriteStream(path)
  const gz = createGzip({ level: 1 })
  gz.pipe(out)
  const line = (i: number): string => `${i},${'x'.repeat(60)}${i % 10},${'y'.repeat(90)}\n`
  let bytes = 0, rows = 0
  gz.write('id,a,b\n')
  while (bytes < 160 << 20) {
    const parts: string[] = []
    for (let k = 0; k < 10_000; k++) { const l = line(rows++); parts.push(l); bytes += l.length }
    if (!gz.write(parts.join(''))) await once(gz, 'drain')
  }
  gz.end()
  await once(out, 'finish')
  const db = await Database.open()
  const base = process.memoryUsage()
  let peakBuffers = 0, peakHeap = 0, reports = 0
  const r = await db.query(`SELECT count(*), sum(id) FROM ${q(path)}`, [], {
    progressIntervalMs: 0,
    onProgress: () => {
      const m = process.memoryUsage()
      reports++
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers - base.arrayBuffers)
      peakHeap = Math.max(peakHeap, m.heapUsed - base.heapUsed)
    },
  })
  assert.deepEqual(r.rows, [[BigInt(rows), rows * (rows - 1) / 2]])
  assert.ok(reports > 20, `progress reported ${reports} times`)
  // the whole file decompressed would be 160 MiB of buffers (and as much again as text)
  assert.ok(peakBuffers < 48 << 20, `buffers grew by ${(peakBuffers / 2 ** 20).toFixed(1)} MiB`)
  assert.ok(peakHeap < 96 << 20, `heap grew by ${(peakHeap / 2 ** 20).toFixed(1)} MiB`)
  await db.close()
})

test('the head of a compressed file is enough to pick its reader and sniff it', async () => {
  const text = csvText(150_000)
  const gz = t.file('sniffed-gzip', gzipSync(text))
  const db = await Database.open()
  assert.deepEqual((await db.query(`SELECT count(*) FROM ${q(gz)}`)).rows, [[150_000n]])
  const s = (await db.query(`SELECT Delimiter, HasHeader FROM sniff_csv(${q(gz)})`)).rows
  assert.deepEqual(s, [[',', true]])
  await db.close()
})
