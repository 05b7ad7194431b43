/**
 * The tokenizer finds unquoted values two ways: with indexOf (no comment character) and char by
 * char (with one). Random CSV text, cut into random pieces, must split the same both ways and
 * match an independent reference splitter, line numbers included.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CsvTokenizer, FieldBatch, fieldText } from '../../core/formats/csv/tokenizer.ts'

export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296 }
}

/** Records as [line, fields…], read with the given comment code, the text fed in random pieces. */
export function split(text: string, comment: number, r: () => number, perBatch: number): (string | number)[][] {
  let at = 0
  const source = (carry: string): string | null => {
    if (at >= text.length) return null
    const end = Math.min(text.length, at + 1 + Math.floor(r() * 40))
    const piece = carry + text.slice(at, end)
    at = end
    // flat, as the file source gives it
    return piece.split('').join('')
  }
  const tok = new CsvTokenizer({ delimiter: 44, quote: 34, escape: 34, comment }, source, 'x.csv', 1 << 20)
  const b = new FieldBatch()
  const out: (string | number)[][] = []
  while (tok.next(b, perBatch)) {
    for (let k = 0; k < b.records; k++) {
      const row: (string | number)[] = [b.recordLine[k]!]
      for (let f = b.recordFirst[k]!; f < b.recordFirst[k + 1]!; f++) row.push(fieldText(b, f, 34, 34))
      out.push(row)
    }
  }
  return out
}

/** The same records by a plain reading of RFC 4180 (any of \n, \r\n, \r ends a line; blank lines skipped). */
export function reference(text: string): (string | number)[][] {
  const out: (string | number)[][] = []
  let i = 0, line = 1
  while (i < text.length) {
    const c = text[i]
    if (c === '\n' || c === '\r') { i += c === '\r' && text[i + 1] === '\n' ? 2 : 1; line++; continue }
    const row: (string | number)[] = [line]
    for (;;) {
      let v = ''
      if (text[i] === '"') {
        i++
        for (;;) {
          if (text[i] === '"') { if (text[i + 1] === '"') { v += '"'; i += 2; continue } i++; break }
          if (text[i] === '\n') line++
          v += text[i++]
        }
      } else {
        while (i < text.length && !',\n\r'.includes(text[i]!)) v += text[i++]
      }
      row.push(v)
      if (i >= text.length) break
      if (text[i] === ',') { i++; continue }
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1
      line++
      break
    }
    out.push(row)
  }
  return out
}

/** Random CSV: empty, quoted (with doubled quotes, delimiters and line ends inside) and plain values. */
export function sample(seed: number): string {
  const r = rng(seed)
  const ends = ['\n', '\r\n', '\r'][seed % 3]!
  const lines: string[] = []
  for (let l = 0, rows = 1 + Math.floor(r() * 30); l < rows; l++) {
    const fields: string[] = []
    for (let f = 0, w = 1 + Math.floor(r() * 6); f < w; f++) {
      const kind = r()
      if (kind < 0.15) fields.push('')
      else if (kind < 0.3) fields.push(`"q${f},""x""${r() < 0.3 ? ends : ''}y"`)
      else fields.push('v'.repeat(Math.floor(r() * 12)) + String(f))
    }
    lines.push(fields.join(','))
    if (r() < 0.1) lines.push('')
  }
  return lines.join(r() < 0.2 ? '\n' : ends) + (r() < 0.5 ? ends : '')
}

test('unquoted values split the same with indexOf and char by char, in any pieces', () => {
  for (let seed = 1; seed <= 400; seed++) {
    const text = sample(seed)
    const expected = reference(text)
    const perBatch = 1 + (seed % 8)
    assert.deepEqual(split(text, -1, rng(seed * 7), perBatch), expected, `seed ${seed} (indexOf): ${JSON.stringify(text)}`)
    assert.deepEqual(split(text, 1, rng(seed * 7), perBatch), expected, `seed ${seed} (char by char): ${JSON.stringify(text)}`)
  }
})

test('repeated VARCHAR values are shared between rows yet read exactly, colliding ones too', async () => {
  const { Database } = await import('../../core/database.ts')
  const { tempDir, sqlString } = await import('./csv-helpers.ts')
  const t = tempDir('grizzly-csv-recent-')
  // 'aXbYc' and 'aYbXc' agree on length, first, middle and last character; '' and quoted values mixed in
  const values = ['aXbYc', 'aYbXc', 'RAIL', 'AIR', '', '"x,y"', 'REG AIR']
  const rows = Array.from({ length: 20_000 }, (_, i) => `${i},${values[(i * 7 + (i >> 3)) % values.length]}`)
  const path = t.file('recent.csv', 'id,s\n' + rows.join('\n') + '\n')
  const db = await Database.open()
  try {
    const got = (await db.query(`SELECT s, count(*) FROM read_csv(${sqlString(path)}) GROUP BY s ORDER BY s`)).rows
    const want = new Map<string | null, number>()
    for (const r of rows) { const v = r.slice(r.indexOf(',') + 1); const k = v === '' ? null : v.replace(/^"(.*)"$/, '$1'); want.set(k, (want.get(k) ?? 0) + 1) }
    assert.deepEqual(got, [...want].sort((a, b) => a[0] === null ? 1 : b[0] === null ? -1 : a[0] < b[0] ? -1 : 1).map(([k, n]) => [k, BigInt(n)]))
    const first = (await db.query(`SELECT s FROM read_csv(${sqlString(path)}) WHERE id < 8 ORDER BY id`)).rows.map(r => r[0])
    assert.deepEqual(first, rows.slice(0, 8).map(r => { const v = r.slice(r.indexOf(',') + 1); return v === '' ? null : v.replace(/^"(.*)"$/, '$1') }))
  } finally { await db.close(); t.cleanup() }
})
