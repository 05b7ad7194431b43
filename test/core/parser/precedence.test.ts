/**
 * Differential check of operator precedence against DuckDB: random expressions are evaluated by
 * DuckDB as written and as formatted from our AST (fully parenthesised). Where DuckDB accepts
 * both, the answers must agree — any disagreement means our tree groups operators differently.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { formatExpr, parseExpression } from '../../../core/parser/index.ts'

const LITERALS = ['1', '2', '3', '0', '5', '7', 'NULL', 'TRUE', 'FALSE', "'1'", "'5'"]
const BINARY = ['+', '-', '*', '/', '//', '%', '^', '**', '=', '<>', '<', '<=', '>', '>=', 'AND', 'OR', '||', '&', '|', '<<', '>>']

function generator(seed: number): (depth: number) => string {
  let state = seed
  const rnd = (n: number): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) % n
  }
  const gen = (d: number): string => {
    if (d <= 0 || rnd(5) === 0) return LITERALS[rnd(LITERALS.length)]!
    switch (rnd(14)) {
      case 0: return `- ${gen(d - 1)}`
      case 1: return `NOT ${gen(d - 1)}`
      case 2: return `${gen(d - 1)} IS ${rnd(2) ? 'NOT ' : ''}NULL`
      case 3: return `${gen(d - 1)} ${rnd(2) ? 'NOT ' : ''}BETWEEN ${gen(d - 1)} AND ${gen(d - 1)}`
      case 4: return `${gen(d - 1)} IN (${gen(d - 1)}, ${gen(d - 1)})`
      case 5: return `${gen(d - 1)}::INTEGER`
      case 6: return `${gen(d - 1)} ${rnd(2) ? 'NOT ' : ''}${['LIKE', 'ILIKE', 'GLOB'][rnd(3)]} ${gen(d - 1)}`
      case 7: return `${gen(d - 1)} IS ${rnd(2) ? 'NOT ' : ''}DISTINCT FROM ${gen(d - 1)}`
      case 8: return `CASE WHEN ${gen(d - 1)} THEN ${gen(d - 1)} ELSE ${gen(d - 1)} END`
      default: return `${gen(d - 1)} ${BINARY[rnd(BINARY.length)]} ${gen(d - 1)}`
    }
  }
  return gen
}

async function loadDuckDB(): Promise<typeof import('@duckdb/node-api') | null> {
  try { return await import('@duckdb/node-api') } catch { return null }
}

const duckdb = await loadDuckDB()

test('operator grouping agrees with DuckDB on random expressions', { skip: duckdb === null ? '@duckdb/node-api is not installed' : false }, async () => {
  const instance = await duckdb!.DuckDBInstance.create(':memory:')
  const connection = await instance.connect()
  const evaluate = async (sql: string): Promise<string | null> => {
    try {
      const reader = await connection.runAndReadAll(`SELECT ${sql}`)
      return JSON.stringify(reader.getRows(), (_k, v: unknown) => typeof v === 'bigint' ? v.toString() : v)
    } catch {
      return null
    }
  }
  const gen = generator(20261125)
  let compared = 0
  for (let i = 0; i < 4000; i++) {
    const sql = gen(4)
    if (sql.length < 16) continue
    let formatted: string
    const expected = await evaluate(sql)
    try {
      formatted = formatExpr(parseExpression(sql))
    } catch (e) {
      // what we reject, DuckDB must reject too
      assert.equal(expected, null, `we reject what DuckDB accepts: ${sql}\n${String(e)}`)
      continue
    }
    if (expected === null) continue
    const actual = await evaluate(formatted)
    if (actual === null) continue
    compared++
    assert.equal(actual, expected, `${sql}\n  was grouped as\n${formatted}`)
  }
  connection.closeSync()
  assert.ok(compared >= 50, `only ${compared} expressions were comparable`)
})
