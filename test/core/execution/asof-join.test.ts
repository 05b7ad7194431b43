import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../core/database.ts'
import { prng } from '../../differential/data.ts'

type Row = { k: number | null; t: number | null; id: number }

/** The closest right row by brute force: ties go to the earliest right row, as the operator does. */
function expected(left: Row[], right: Row[], op: '>=' | '>' | '<=' | '<', keyed: boolean): [number, number | null][] {
  const holds = (l: number, r: number): boolean => op === '>=' ? l >= r : op === '>' ? l > r : op === '<=' ? l <= r : l < r
  const better = (a: number, b: number): boolean => op === '>=' || op === '>' ? a > b : a < b
  return left.map(l => {
    let best: Row | null = null
    if (l.t !== null && (!keyed || l.k !== null)) {
      for (const r of right) {
        if (r.t === null || (keyed && r.k !== l.k) || !holds(l.t, r.t)) continue
        if (best === null || better(r.t, best.t!)) best = r
      }
    }
    return [l.id, best === null ? null : best.id] as [number, number | null]
  })
}

function rows(n: number, seed: number, idBase: number): Row[] {
  const next = prng(seed)
  const out: Row[] = []
  for (let i = 0; i < n; i++) {
    out.push({
      k: next() < 0.1 ? null : Math.floor(next() * 7),
      t: next() < 0.1 ? null : Math.floor(next() * 500),
      id: idBase + i,
    })
  }
  return out
}

const sqlValues = (rs: Row[]): string => rs.map(r => `(${r.k ?? 'NULL'}, ${r.t ?? 'NULL'}, ${r.id})`).join(', ')

test('ASOF LEFT JOIN matches a brute-force search for every inequality, with and without keys', async () => {
  const db = await Database.open()
  const left = rows(3000, 7, 0), right = rows(2000, 11, 100_000)
  await db.exec(`CREATE TABLE l(k INTEGER, t INTEGER, id INTEGER); CREATE TABLE r(k INTEGER, t INTEGER, id INTEGER);
    INSERT INTO l VALUES ${sqlValues(left)}; INSERT INTO r VALUES ${sqlValues(right)}`)
  for (const op of ['>=', '>', '<=', '<'] as const) {
    for (const keyed of [true, false]) {
      const on = `${keyed ? 'l.k = r.k AND ' : ''}l.t ${op} r.t`
      const got = (await db.query(`SELECT l.id, r.id FROM l ASOF LEFT JOIN r ON ${on} ORDER BY l.id`)).rows
      const want = expected(left, right, op, keyed)
      // ties between equal right values may pick any of them: compare the matched values instead
      const tOf = new Map(right.map(r => [r.id, r.t]))
      assert.equal(got.length, want.length, on)
      for (let i = 0; i < want.length; i++) {
        const g = got[i]!, w = want[i]!
        assert.equal(g[0], w[0], on)
        assert.equal(g[1] === null ? null : tOf.get(g[1] as number), w[1] === null ? null : tOf.get(w[1]), `${on}, left id ${w[0]}`)
      }
      const inner = (await db.query(`SELECT count(*) FROM l ASOF JOIN r ON ${on}`)).rows[0]![0]
      assert.equal(inner, BigInt(want.filter(w => w[1] !== null).length), on)
    }
  }
  await db.close()
})

test('ASOF JOIN is planned as ASOF_JOIN and refuses conditions without exactly one inequality', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE a(k INTEGER, t INTEGER); CREATE TABLE b(k INTEGER, t INTEGER)')
  const plan = (await db.query('EXPLAIN SELECT * FROM a ASOF JOIN b ON a.k = b.k AND a.t >= b.t')).rows.map(r => r.join(' ')).join('\n')
  assert.match(plan, /ASOF_JOIN/)
  await assert.rejects(db.query('SELECT * FROM a ASOF JOIN b ON a.k = b.k'), (e: { code?: string; message: string }) =>
    e.code === '42601' && /Missing ASOF JOIN inequality/.test(e.message))
  await assert.rejects(db.query('SELECT * FROM a ASOF JOIN b ON a.t >= b.t AND a.k < b.k'), (e: { code?: string; message: string }) =>
    e.code === '42601' && /Multiple ASOF JOIN inequalities/.test(e.message))
  await assert.rejects(db.query('SELECT * FROM a ASOF JOIN b USING (zz)'), (e: { code?: string }) => e.code === '42703')
  await db.close()
})
