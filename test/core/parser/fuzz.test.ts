/**
 * Mutation fuzzing: cut, duplicate and splice pieces of valid statements; every outcome must be
 * an AST or a GrizzlyError with a sensible position — never a crash, an InternalError or a hang.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { GrizzlyError } from '../../../core/errors.ts'
import { formatStatement, isCompleteStatement, parse, splitStatements } from '../../../core/parser/index.ts'

const SEEDS = [
  "SELECT DISTINCT ON (a) a, b AS c, t.*, * EXCLUDE (x) FROM s.t AS t(a, b) WHERE a > 1 AND b LIKE 'x%' ESCAPE '!' GROUP BY ROLLUP (a, (b, c)) HAVING count(*) > 1 ORDER BY 1 DESC NULLS LAST LIMIT 10 OFFSET 2",
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT sum(n) OVER (PARTITION BY n % 2 ORDER BY n ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM r',
  "SELECT CASE WHEN x THEN 1 ELSE 2 END, CAST(y AS DECIMAL(10, 2)), z::INT[], [1, 2][1:2], {'a': 1}.a, INTERVAL '1 day', DATE '2024-01-01', E'a\\nb', $$x$$, $1, ?",
  "INSERT INTO t (a, b) VALUES (1, 'x'), (2, DEFAULT) ON CONFLICT (a) DO UPDATE SET b = excluded.b RETURNING *",
  'CREATE TABLE t (id INT PRIMARY KEY, n VARCHAR(10) NOT NULL DEFAULT 1 CHECK (n > 0), CONSTRAINT u UNIQUE (n))',
  "SELECT * FROM a LEFT JOIN b USING (x) NATURAL JOIN c, LATERAL (SELECT 1) l, read_csv('f.csv', delim = ';') r /* c */ -- d",
  'UPDATE t SET a = a + 1 FROM u WHERE t.id = u.id; DELETE FROM t USING u WHERE t.x IN (SELECT y FROM u); ALTER TABLE t ALTER c TYPE BIGINT',
]

function rng(seed: number): (n: number) => number {
  let s = seed
  return n => {
    s = (s + 0x6d2b79f5) | 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) % n
  }
}

const SPLICES = ['(', ')', "'", '"', '$$', '/*', '--', ',', ';', '::', '[', ']', '{', '}', ' SELECT ', ' FROM ', ' NOT ', ' AND ', ' IS ', ' OVER ', ' JOIN ', '?', '$', '.', '*', ' CASE ', ' END ', ' -> ', ' := ', 'x', '1e', '0x', '\\', '\n']

test('mutated statements parse or fail cleanly', () => {
  const rnd = rng(7)
  let failures = 0
  for (let i = 0; i < 6000; i++) {
    let sql = SEEDS[rnd(SEEDS.length)]!
    const edits = 1 + rnd(4)
    for (let k = 0; k < edits; k++) {
      const at = rnd(sql.length + 1)
      switch (rnd(3)) {
        case 0: sql = sql.slice(0, at) + sql.slice(at + 1 + rnd(8)); break
        case 1: sql = sql.slice(0, at) + SPLICES[rnd(SPLICES.length)]! + sql.slice(at); break
        default: { const from = rnd(sql.length); sql = sql.slice(0, at) + sql.slice(from, from + rnd(12)) + sql.slice(at) }
      }
    }
    splitStatements(sql)
    isCompleteStatement(sql)
    try {
      for (const s of parse(sql)) parse(formatStatement(s))
    } catch (e) {
      failures++
      if (!(e instanceof GrizzlyError) || e.code === 'XX000') assert.fail(`${JSON.stringify(sql)} threw ${String(e)}`)
      if (e.position !== undefined) assert.ok(e.position >= 0 && e.position <= sql.length, `${JSON.stringify(sql)}: position ${e.position}`)
    }
  }
  assert.ok(failures > 1000, 'the mutations should break most statements')
})
