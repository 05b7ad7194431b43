/**
 * Built-in functions end to end against DuckDB (the reference): each query runs through both
 * engines and the rendered values must be equal, text for text.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openDuckdbEngine } from '../../slt/duckdb-engine.ts'
import { openGrizzlyEngine } from '../../slt/grizzly-engine.ts'

const QUERIES = [
  'SELECT 1+1, 7/2, 7//2, -7//2, 7%3, -7%3, 2^10, 2**0.5',
  'SELECT 10 // 0, 10 % 0, 1/0, 0.0/0',
  'SELECT 1.5 + 2.25, 1.5 * 2.25, 7.5 % 2, 1 + 1.5, 1.5 / 2',
  'SELECT 10::decimal(18,2) * 10::decimal(18,2), 10::decimal(18,2) + 10::decimal(18,2)',
  'SELECT abs(-5), abs(-1.5), abs(-2.5::double), sign(-3), sign(0.0)',
  'SELECT ceil(1.25), floor(-1.25), trunc(-1.75), ceil(1.5::double), floor(-1.5::double)',
  'SELECT greatest(1, 5, 3), least(1, 5, 3), greatest(1, NULL), greatest(\'a\', \'b\'), least(1, 2.5), greatest(NULL, NULL)',
  'SELECT coalesce(NULL, 2, 3), ifnull(NULL, \'x\'), nullif(1, 1), nullif(1, 2), if(true, 1, 2), typeof(nullif(53, 80.0::double))',
  'SELECT length(\'héllo\'), upper(\'abc\'), lower(\'ABC\'), substring(\'hello\', 2, 3), substring(\'hello\', -3), left(\'hello\', 2), right(\'hello\', 2)',
  'SELECT trim(\'  x  \'), ltrim(\'  x\'), rtrim(\'x  \'), trim(\'xxaxx\', \'x\'), replace(\'abcabc\', \'b\', \'X\'), reverse(\'abc\'), repeat(\'ab\', 3)',
  'SELECT concat(\'a\', NULL, \'b\'), concat_ws(\'-\', \'a\', NULL, \'b\'), \'a\' || \'b\', concat(1, \'a\', 2.5), 1 || 2',
  'SELECT split_part(\'a,b,c\', \',\', 2), string_split(\'a,b,c\', \',\'), strpos(\'hello\', \'ll\'), position(\'l\' in \'hello\'), starts_with(\'abc\', \'a\')',
  'SELECT lpad(\'5\', 3, \'0\'), rpad(\'5\', 3, \'0\'), ascii(\'a\'), chr(97), md5(\'hello\'), to_hex(255), translate(\'abc\', \'ab\', \'xy\')',
  'SELECT \'abc\' LIKE \'a%\', \'abc\' LIKE \'_b_\', \'abc\' ILIKE \'A%\', \'a%c\' LIKE \'a$%c\' ESCAPE \'$\', \'abc\' GLOB \'a*\'',
  'SELECT regexp_matches(\'abc\', \'b\'), regexp_full_match(\'abc\', \'a.c\'), regexp_replace(\'aaa\', \'a\', \'b\', \'g\'), regexp_extract(\'abc123\', \'[0-9]+\'), regexp_extract_all(\'aabca\', \'a*\')',
  'SELECT [1,2,3][2], list_extract([1,2,3], -1), [1,2,3][5], len([1,2,3]), list_concat([1],[2,3]), [1,2,3,4,5][:2], [1,2,3,4,5][-2:]',
  'SELECT list_sort([3,1,2]), list_reverse_sort([3,1,2]), list_contains([1,2], 2), list_position([1,2], 2), list_slice([1,2,3,4], 2, 3), 1 IN [1, 2]',
  'SELECT list_sum([1,2,3]), list_min([3,1]), list_max([1,3]), list_avg([1,2]), flatten([[1],[2,3]]), list_unique([1,1,2])',
  'SELECT count(*), count(x), sum(x), avg(x), min(x), max(x) FROM range(100) t(x)',
  'SELECT sum(x), avg(x), min(x), max(x), count(x) FROM range(10) t(x) WHERE x > 100',
  'SELECT x % 3 AS g, sum(x), count(*), string_agg(x::varchar, \',\' ORDER BY x) FROM range(10) t(x) GROUP BY g ORDER BY g',
  'SELECT stddev(x), variance(x), var_pop(x), median(x), quantile_cont(x, 0.25), quantile_disc(x, 0.25), mode(x % 3) FROM range(10) t(x)',
  'SELECT bool_and(x > 0), bool_or(x > 8), count_if(x > 5), product(x + 1), arg_max(x, -x), max_by(x, x), max(x, 2) FROM range(10) t(x)',
  'SELECT sem(x), skewness(x), kurtosis(x), regr_slope(x, x * 2), weighted_avg(x, x) FROM (VALUES (1),(2),(4),(8)) t(x)',
  'SELECT avg(x::decimal(10,3)), sum(x::decimal(20,3)), avg(DATE \'1992-02-02\') FROM range(10) t(x)',
  'SELECT x, row_number() OVER (ORDER BY x), rank() OVER (ORDER BY x // 2), dense_rank() OVER (ORDER BY x // 2), ntile(4) OVER (ORDER BY x), lag(x) OVER (ORDER BY x), lead(x, 2) OVER (ORDER BY x) FROM range(6) t(x) ORDER BY x',
  'SELECT * FROM generate_series(1, 10, 3)',
  'SELECT * FROM range(DATE \'2020-01-01\', DATE \'2020-01-04\', INTERVAL 1 DAY)',
  'SELECT levenshtein(\'kitten\', \'sitting\'), jaccard(\'ab\', \'aabb\'), format_bytes(1024*1024), bar(5, 0, 10, 10), regexp_escape(\'a.b\')',
  'SELECT format(\'{} + {} = {}\', 1, 2, 3), printf(\'%d items at %.2f\', 3, 1.5), 5 & 3, 5 | 3, xor(5, 3), ~5, 1 << 4',
]

test('built-in functions agree with DuckDB', async () => {
  const duck = await openDuckdbEngine()
  const griz = await openGrizzlyEngine()
  try {
    for (const sql of QUERIES) {
      const a = await duck.execute(sql, undefined)
      const b = await griz.execute(sql, undefined)
      assert.equal(a.kind, 'ok', `DuckDB failed: ${sql}`)
      assert.equal(b.kind, 'ok', `Grizzly failed: ${sql}: ${b.kind === 'error' ? b.message : ''}`)
      if (a.kind === 'ok' && b.kind === 'ok') assert.deepEqual(b.result.text, a.result.text, sql)
    }
  } finally {
    await duck.close()
    await griz.close()
  }
})

test('errors agree with DuckDB', async () => {
  const griz = await openGrizzlyEngine()
  try {
    for (const sql of ['SELECT 100::tinyint + 100::tinyint', 'SELECT sqrt(-1)', 'SELECT ln(0)', "SELECT regexp_matches('a', '(')", 'SELECT * FROM range(1, 5, 0)']) {
      const r = await griz.execute(sql, undefined)
      assert.equal(r.kind, 'error', sql)
    }
  } finally {
    await griz.close()
  }
})
