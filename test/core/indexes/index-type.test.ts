import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Database } from '../../../core/database.ts'
import { GrizzlyError, SqlState } from '../../../core/errors.ts'
import type { IndexInstance, IndexRange, IndexSpec, IndexTypeDef } from '../../../core/hooks/contracts.ts'
import { getValue, type Vector } from '../../../core/vector/vector.ts'
import type { Value } from '../../../core/types/types.ts'

/** a method an extension could register: equality only, over a Map, recording its life cycle */
function hashMethod(log: string[]): IndexTypeDef {
  return {
    name: 'hashy',
    create(spec: IndexSpec): IndexInstance {
      const buckets = spec.options.get('buckets') ?? 16
      if (typeof buckets !== 'number') throw new GrizzlyError(SqlState.invalidParameterValue, 'buckets must be a number')
      if (spec.keyTypes.length !== 1) throw new GrizzlyError(SqlState.featureNotSupported, 'hashy indexes one column')
      log.push(`create ${spec.keyNames.join(',')} buckets=${buckets} unique=${spec.unique}`)
      const map = new Map<Value, Set<number>>()
      let size = 0
      const keyAt = (keys: readonly Vector[], i: number): Value => getValue(keys[0]!, i)
      const lookup = (range: IndexRange): number[] => [...(map.get(range.equal[0] ?? null) ?? [])].sort((a, b) => a - b)
      return {
        capabilities: { equality: true, range: false },
        get size() { return size },
        insert(keys, rowIds) {
          log.push(`insert ${rowIds.length}`)
          for (let i = 0; i < rowIds.length; i++) {
            const k = keyAt(keys, i)
            let set = map.get(k)
            if (set === undefined) map.set(k, set = new Set())
            if (spec.unique && k !== null && set.size > 0 && !set.has(rowIds[i]!)) return i
            if (!set.has(rowIds[i]!)) { set.add(rowIds[i]!); size++ }
          }
          return -1
        },
        remove(keys, rowIds) {
          log.push(`remove ${rowIds.length}`)
          for (let i = 0; i < rowIds.length; i++) if (map.get(keyAt(keys, i))?.delete(rowIds[i]!) === true) size--
        },
        search: range => Float64Array.from(lookup(range)),
        count: (range, limit) => Math.min(limit, lookup(range).length),
      }
    },
  }
}

test('an index method registered through the hooks follows the whole life cycle', async () => {
  const db = await Database.open()
  const log: string[] = []
  db.hooks.registerIndexType(hashMethod(log))
  await db.exec(`CREATE TABLE t (k VARCHAR, n INTEGER); INSERT INTO t SELECT 'k' || (i % 100), i FROM range(3000) r(i)`)
  await db.query('CREATE INDEX t_k ON t USING hashy (k) WITH (buckets = 64)')
  assert.deepEqual(log.splice(0), ['create k buckets=64 unique=false', 'insert 3000'])
  const plan = String(((await db.query(`EXPLAIN SELECT n FROM t WHERE k = 'k7'`)).rows as unknown[][])[0]![1])
  assert.match(plan, /INDEX_SCAN t USING t_k/)
  // no ranges from an equality-only method
  assert.match(String(((await db.query(`EXPLAIN SELECT n FROM t WHERE k > 'k98'`)).rows as unknown[][])[0]![1]), /TABLE_SCAN/)
  assert.deepEqual((await db.query(`SELECT count(*), min(n) FROM t WHERE k = 'k7'`)).rows, [[30n, 7]])
  await db.query(`UPDATE t SET k = 'moved' WHERE n < 10`)
  assert.deepEqual(log.splice(0), ['remove 10', 'insert 10'])
  await db.query('BEGIN')
  await db.query(`DELETE FROM t WHERE k = 'moved'`)
  await db.query('ROLLBACK')
  assert.deepEqual(log.splice(0), ['remove 10', 'insert 10'])
  assert.deepEqual((await db.query(`SELECT count(*) FROM t WHERE k = 'moved'`)).rows, [[10n]])
  assert.deepEqual((await db.query(`SELECT count(*) FROM t WHERE k = 'k7'`)).rows, [[29n]])
  // its own refusals reach the user; unique violations become 23505
  await assert.rejects(db.query('CREATE INDEX bad ON t USING hashy (k, n)'), (e: unknown) => e instanceof GrizzlyError && e.code === '0A000')
  await assert.rejects(db.query(`CREATE INDEX bad ON t USING hashy (k) WITH (buckets = 'x')`), (e: unknown) => e instanceof GrizzlyError && e.code === '22023')
  await assert.rejects(db.query('CREATE UNIQUE INDEX bad ON t USING hashy (k)'), (e: unknown) => e instanceof GrizzlyError && e.code === '23505')
  await db.query('CREATE UNIQUE INDEX t_n ON t USING hashy (n)')
  await assert.rejects(db.query(`INSERT INTO t VALUES ('x', 5)`), (e: unknown) => e instanceof GrizzlyError && e.code === '23505' && /n: 5/.test(e.message))
  assert.deepEqual((await db.query('SELECT count(*) FROM t WHERE n = 5')).rows, [[1n]])
  await db.query('DROP INDEX t_k')
  assert.deepEqual(db.catalog.indexDefinitions(db.transactions.begin({ readOnly: true })).map(d => `${d.name} ${d.method}`), ['t_n hashy'])
})
