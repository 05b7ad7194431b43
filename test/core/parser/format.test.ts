/**
 * Round trip: format(parse(sql)) parses back to the same AST (positions aside), for a catalogue
 * of constructs and for the conformance corpora.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { formatExpr, formatStatement, parse, parseExpression } from '../../../core/parser/index.ts'
import { conformanceRoot, corpusAvailable, extractRecords, testFiles } from './corpus.ts'
import { strip } from './helpers.ts'

function roundTrip(sql: string): void {
  const first = parse(sql)
  for (const statement of first) {
    const text = formatStatement(statement)
    const again = parse(text)
    assert.equal(again.length, 1, text)
    assert.deepEqual(strip(again[0]), strip(statement), `${sql}\n  formatted as\n${text}`)
  }
}

const CATALOGUE = [
  "SELECT DISTINCT ON (a) a, b AS \"B\", t.*, * EXCLUDE (x) REPLACE (y + 1 AS y) RENAME (t.z AS \"Z\", w AS v) FROM s.t AS t(a, b) WHERE a > 1 AND b LIKE 'x%' ESCAPE '!'",
  'SELECT a, sum(b) FILTER (WHERE b > 0) FROM t GROUP BY GROUPING SETS ((a, b), a, ()), ROLLUP (a, (b, c)), CUBE (d) HAVING count(*) > 1',
  'SELECT a FROM t GROUP BY ALL ORDER BY ALL DESC NULLS FIRST LIMIT 10 PERCENT OFFSET 2',
  'SELECT row_number() OVER (w ORDER BY x DESC NULLS LAST ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING EXCLUDE TIES) FROM t WINDOW w AS (PARTITION BY y) QUALIFY x = 1',
  'SELECT sum(x) OVER (RANGE UNBOUNDED PRECEDING), lag(x) IGNORE NULLS OVER w2 FROM t',
  "SELECT string_agg(DISTINCT x, ',' ORDER BY y), percentile_cont(0.5) WITHIN GROUP (ORDER BY x), count(*), cume_dist(ORDER BY x) OVER () FROM t",
  'WITH RECURSIVE r(n) AS MATERIALIZED (SELECT 1 UNION ALL SELECT n + 1 FROM r), s AS NOT MATERIALIZED (VALUES (1)) SELECT * FROM r, s',
  'SELECT 1 UNION SELECT 2 INTERSECT ALL SELECT 3 EXCEPT BY NAME SELECT 4',
  '(SELECT 1 ORDER BY 1 LIMIT 1) UNION ALL (SELECT 2) ORDER BY 1',
  "SELECT * FROM a JOIN b ON a.x = b.x LEFT JOIN c USING (x) NATURAL FULL JOIN d CROSS JOIN e SEMI JOIN f ON true ANTI JOIN g USING (y) POSITIONAL JOIN h ASOF LEFT JOIN i ON a.t >= i.t, LATERAL (SELECT a.x) l(z), range(10) r(i), read_csv('x.csv', delim = ';', header := true), 'f.parquet' p",
  'SELECT * FROM a LEFT JOIN (b JOIN c ON p) ON q, unnest([1, 2]) WITH ORDINALITY',
  "SELECT CASE x WHEN 1 THEN 'a' ELSE 'b' END, CASE WHEN y THEN 1 END, CAST(x AS DECIMAL(10, 2)), TRY_CAST(y AS INT[]), z::STRUCT(a INT, b MAP(VARCHAR, INT)[])",
  'SELECT x BETWEEN SYMMETRIC 1 AND 2, x NOT IN (1, 2), x IN (SELECT 1), EXISTS (SELECT 1), NOT EXISTS (SELECT 1), x = ANY (SELECT 1), x >= ALL (SELECT 1), (SELECT 1)',
  "SELECT x IS NULL, x IS NOT DISTINCT FROM y, x IS NOT TRUE, x IS UNKNOWN, x NOT ILIKE 'a', x GLOB 'b', x NOT SIMILAR TO 'c'",
  "SELECT DATE '2024-01-01', TIMESTAMP WITH TIME ZONE '2024-01-01 00:00+00', INTERVAL '1 day', INTERVAL 3 DAYS, INTERVAL '2' HOUR, INTERVAL (x) MINUTE, X'0AFF'",
  "SELECT [1, 2][1], [1, 2, 3][2:3], l[:2], l[2:], {'a': 1, 'b': [x]}.a, (s).f, ROW(1, 2), (1, 2), MAP {'k': 1}",
  "SELECT list_transform(l, x -> x + 1), list_reduce(l, (a, b) -> a + b), f(a := 1, b => 2), [x FOR x IN l IF x > 1], 5!",
  "SELECT -9223372036854775808, - 0x10, +x, ~x, -x ^ 2, 1_000, 1.5e-3, 'it''s', E'a\\nb', $$dollar$$, $1, ?, ?",
  "SELECT extract(year FROM d), position('a' IN s), substring(s FROM 2 FOR 3), trim(LEADING 'x' FROM s), overlay(s PLACING 'ab' FROM 2), ts AT TIME ZONE 'UTC', a COLLATE nocase, current_date, left(s, 2)",
  "SELECT a || b, a -> 'k', a ->> 'k', a <-> b, a @> b, a & b | c, a << 2, a // b, a % b, a ** 2, a ~ 'x'",
  'CREATE OR REPLACE TEMP TABLE IF NOT EXISTS s.t (id INT PRIMARY KEY, n VARCHAR(10) NOT NULL UNIQUE DEFAULT \'x\' CHECK (length(n) > 0), f FLOAT[3], ts TIMESTAMP WITH TIME ZONE, owner INT REFERENCES u(id), CONSTRAINT c UNIQUE (n, f), CHECK (id > 0), PRIMARY KEY (id), FOREIGN KEY (owner) REFERENCES u)',
  'CREATE TABLE t (a, b) AS SELECT 1, 2',
  'CREATE TABLE t AS FROM x',
  'CREATE TABLE t (a INTEGER, b INTEGER GENERATED ALWAYS AS (a * 2) VIRTUAL, c AS (b + 1))',
  'CREATE OR REPLACE VIEW v (a) AS SELECT 1',
  'CREATE RECURSIVE VIEW nums (n) AS VALUES (1) UNION ALL SELECT n + 1 FROM nums WHERE n < 5',
  'CREATE SCHEMA IF NOT EXISTS s',
  "CREATE UNIQUE INDEX IF NOT EXISTS i ON t USING hnsw (emb, lower(n)) WITH (metric = 'cosine')",
  'CREATE INDEX ON t (a)',
  'CREATE SEQUENCE IF NOT EXISTS s START WITH -5 INCREMENT BY 2 MINVALUE -10 NO MAXVALUE CYCLE',
  'DROP TABLE IF EXISTS a, s.b CASCADE',
  'DROP MACRO m',
  'ALTER TABLE IF EXISTS t ADD COLUMN IF NOT EXISTS c INT DEFAULT 1 NOT NULL',
  'ALTER TABLE t DROP COLUMN IF EXISTS c CASCADE',
  'ALTER TABLE t RENAME a TO b',
  'ALTER TABLE t RENAME TO u',
  'ALTER TABLE t ALTER c SET DATA TYPE BIGINT USING c * 2',
  'ALTER TABLE t ALTER c SET DEFAULT 1',
  'ALTER TABLE t ALTER c DROP DEFAULT',
  'ALTER TABLE t ALTER c DROP NOT NULL',
  "WITH x AS (SELECT 1) INSERT OR REPLACE INTO t AS a BY NAME (c1, c2) VALUES (1, DEFAULT), (2, 'x') ON CONFLICT (c1) DO UPDATE SET c2 = excluded.c2, c3 = DEFAULT WHERE a.c1 > 0 RETURNING *, c1 AS k",
  'INSERT INTO t DEFAULT VALUES',
  'INSERT INTO t SELECT 1 UNION SELECT 2 ON CONFLICT DO NOTHING',
  'UPDATE t AS x SET (a, b) = (1, 2), c = DEFAULT FROM u, v WHERE x.id = u.id RETURNING a',
  'DELETE FROM t AS x USING u WHERE x.id = u.id RETURNING *',
  'BEGIN', 'COMMIT', 'ROLLBACK', 'EXPLAIN ANALYZE SELECT 1',
  "SET GLOBAL memory_limit = '1GB'", 'SET x TO on', 'SET a.b = 1', 'RESET ALL', 'RESET x',
  'SHOW TABLES', 'SHOW ALL TABLES', 'SHOW memory_limit', 'DESCRIBE s.t', 'DESCRIBE SELECT 1',
  'PRAGMA table_info(t)', 'PRAGMA threads = 4', 'PRAGMA enable_verification', 'CALL range(3)', 'TABLE t', 'FROM t SELECT a WHERE a > 1',
  'SELECT ARRAY(SELECT x FROM t)',
]

test('the catalogue of constructs round-trips', () => {
  for (const sql of CATALOGUE) roundTrip(sql)
})

test('formatted expressions are fully parenthesised and names quoted', () => {
  assert.equal(formatExpr(parseExpression('a + b * c')), '("a" + ("b" * "c"))')
  assert.equal(formatExpr(parseExpression('Foo."Bar"')), '"foo"."Bar"')
  assert.equal(formatExpr(parseExpression("'it''s'")), "'it''s'")
  assert.equal(formatExpr(parseExpression('NOT a AND b')), '((NOT "a") AND "b")')
})

test('corpus statements round-trip', { skip: corpusAvailable() ? false : 'conformance corpora not found' }, () => {
  let checked = 0
  let index = 0
  for (const dir of ['duckdb/tests', 'sqlite']) {
    for (const file of testFiles(join(conformanceRoot, dir))) {
      for (const record of extractRecords(file)) {
        // every DuckDB record, every 20th SQLite one (they repeat the same shapes)
        if (dir === 'sqlite' && index++ % 20 !== 0) continue
        let statements
        try { statements = parse(record.sql) } catch { continue }
        for (const statement of statements) {
          const text = formatStatement(statement)
          const again = parse(text)
          if (again.length !== 1 || !isDeepStrictEqual(strip(again[0]), strip(statement))) {
            assert.fail(`round trip changed the AST:\n${record.sql}\n  formatted as\n${text}`)
          }
          checked++
        }
      }
    }
  }
  assert.ok(checked > 15000, `only ${checked} statements checked`)
})
