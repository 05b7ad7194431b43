/**
 * FLOAT[n] / DOUBLE[n] / INTEGER[n] columns are kept flat (DESIGN §4): one typed array of
 * rows × n in the segment and in every vector read from it, with NULL rows and NULL elements.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ColumnSegment, allocColumn, finishColumn } from '../../../core/catalog/column-segment.ts'
import { Database } from '../../../core/database.ts'
import { SqlState } from '../../../core/errors.ts'
import { fails } from '../../expect-error.ts'
import { BOOLEAN, DOUBLE, INTEGER, REAL, VARCHAR, array, type LogicalType, type Value } from '../../../core/types/types.ts'
import { Vector, concatVectors, gather, getValue, slice, vectorFromValues } from '../../../core/vector/vector.ts'

const FLOAT3 = array(REAL, 3)

function rows(v: Vector): Value[] {
  return Array.from({ length: v.length }, (_, i) => getValue(v, i))
}

function segmentOf(type: LogicalType, values: readonly Value[]): ColumnSegment {
  const s = new ColumnSegment(type, 1 << 16)
  const v = vectorFromValues(type, values)
  s.append(v, 0, v.length)
  return s
}

test('a FLOAT[n] segment reads back one Float32Array of rows × n, NULL rows and elements kept', () => {
  const values: Value[] = [[1, 2, 3], null, [4, null, 6], [7, 8, 9]]
  const s = segmentOf(FLOAT3, values)
  const v = s.read(0, 4)
  const child = v.children[0]!
  assert.equal(v.data, null)
  assert.ok(child.data instanceof Float32Array)
  assert.equal(child.length, 12)
  assert.deepEqual([...v.validity!], [1, 0, 1, 1])
  assert.deepEqual([...child.validity!].slice(6, 9), [1, 0, 1])
  assert.deepEqual(rows(v), values)
  assert.deepEqual(s.valueAt(2), [4, null, 6])
  assert.equal(s.valueAt(1), null)
  assert.deepEqual(rows(s.read(2, 4)), values.slice(2))
  assert.deepEqual(rows(s.gather(new Int32Array([3, 0, 1]), 3)), [[7, 8, 9], [1, 2, 3], null])
})

test('element masks appear only once an element is NULL, across appends that grow the segment', () => {
  const s = new ColumnSegment(array(DOUBLE, 2), 1 << 16)
  const many = Array.from({ length: 100 }, (_, i): Value => [i, -i])
  s.append(vectorFromValues(array(DOUBLE, 2), many), 0, 100)
  assert.equal(s.read(0, 100).children[0]!.validity, null)
  assert.ok(s.read(0, 100).children[0]!.data instanceof Float64Array)
  s.append(vectorFromValues(array(DOUBLE, 2), [[null, 1.5]]), 0, 1)
  s.append(vectorFromValues(array(DOUBLE, 2), many), 0, 100)
  const all = rows(s.read(0, 201))
  assert.deepEqual(all[99], [99, -99])
  assert.deepEqual(all[100], [null, 1.5])
  assert.deepEqual(all[200], [99, -99])
  s.truncate(100)
  s.append(vectorFromValues(array(DOUBLE, 2), [[5, 6]]), 0, 1)
  assert.deepEqual(s.valueAt(100), [5, 6])
})

test('write, copyTo and rawAt work row by row on flat arrays; booleans and integers too', () => {
  const s = segmentOf(array(INTEGER, 2), [[1, 2], [3, 4], null])
  s.write(0, vectorFromValues(array(INTEGER, 2), [[10, null]]), 0)
  s.write(2, vectorFromValues(array(INTEGER, 2), [[5, 6]]), 0)
  s.write(1, vectorFromValues(array(INTEGER, 2), [null]), 0)
  assert.deepEqual(rows(s.read(0, 3)), [[10, null], null, [5, 6]])
  assert.deepEqual(s.rawAt(2), [5, 6])
  const out = allocColumn(array(INTEGER, 2), 3)
  s.copyTo(2, out, 0); s.copyTo(1, out, 1); s.copyTo(0, out, 2)
  const done = finishColumn(out)
  assert.ok(done.children[0]!.data instanceof Int32Array)
  assert.deepEqual(rows(done), [[5, 6], null, [10, null]])
  const b = segmentOf(array(BOOLEAN, 2), [[true, false]])
  assert.deepEqual(b.valueAt(0), [true, false])
  // arrays of strings stay boxed and still work
  const t = segmentOf(array(VARCHAR, 2), [['a', 'b'], null])
  assert.deepEqual(rows(t.read(0, 2)), [['a', 'b'], null])
})

test('gather, slice and concat of array vectors keep the flat child', () => {
  const v = vectorFromValues(FLOAT3, [[1, 2, 3], [4, 5, 6], null, [7, 8, 9]])
  const g = gather(v, new Int32Array([3, 1, 2]), 3)
  assert.ok(g.children[0]!.data instanceof Float32Array)
  assert.deepEqual(rows(g), [[7, 8, 9], [4, 5, 6], null])
  const s = slice(v, 1, 3)
  assert.equal((s.children[0]!.data as Float32Array).buffer, (v.children[0]!.data as Float32Array).buffer)
  assert.deepEqual(rows(s), [[4, 5, 6], null])
  const c = concatVectors(FLOAT3, [s, g])
  assert.ok(c.children[0]!.data instanceof Float32Array)
  assert.deepEqual(rows(c), [[4, 5, 6], null, [7, 8, 9], [4, 5, 6], null])
})

test('SQL over FLOAT[n] tables: filter, order, update, delete, rollback, distance', async () => {
  const db = await Database.open()
  try {
    await db.exec(`CREATE TABLE e (id INTEGER, v FLOAT[3]);
      INSERT INTO e VALUES (1, [1, 2, 3]), (2, NULL), (3, [0, 0, 1]), (4, [1, NULL, 1])`)
    assert.deepEqual((await db.query('SELECT id, v FROM e WHERE id > 2 ORDER BY id DESC')).rows, [[4, [1, null, 1]], [3, [0, 0, 1]]])
    await db.exec('UPDATE e SET v = [9, 9, 9] WHERE id = 3')
    await db.exec('DELETE FROM e WHERE id = 1')
    await db.exec('BEGIN; INSERT INTO e VALUES (5, [5, 5, 5]); ROLLBACK')
    assert.deepEqual((await db.query('SELECT id, v FROM e ORDER BY id')).rows, [[2, null], [3, [9, 9, 9]], [4, [1, null, 1]]])
    assert.deepEqual((await db.query(`SELECT v[2], CAST(v AS VARCHAR) FROM e WHERE id = 3`)).rows, [[9, '[9.0, 9.0, 9.0]']])
    const arrow = (await db.query('SELECT v FROM e ORDER BY id')).toArrow()
    assert.deepEqual(arrow.getChildAt(0)!.get(1)!.toArray(), new Float32Array([9, 9, 9]))
  } finally { await db.close() }
})

test('FLOAT[n] columns survive a checkpoint and a WAL replay, NULL elements included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-fixed-arrays-'))
  try {
    const path = join(dir, 'a.grz')
    let db = await Database.open(path)
    await db.exec(`CREATE TABLE e (v FLOAT[2], w DOUBLE[2]); INSERT INTO e VALUES ([1.5, 2], [3, NULL]), (NULL, [0.25, 1])`)
    await db.exec('CHECKPOINT')
    await db.exec(`INSERT INTO e VALUES ([7, 8], NULL)`)
    await db.close()
    db = await Database.open(path)
    assert.deepEqual((await db.query('SELECT v, w FROM e')).rows, [[[1.5, 2], [3, null]], [null, [0.25, 1]], [[7, 8], null]])
    await db.close()
  } finally { rmSync(dir, { recursive: true, force: true }) }
})

test('Arrow FixedSizeList columns come in as flat FLOAT[n] vectors, registered or read from a file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grizzly-fixed-arrow-'))
  const db = await Database.open()
  try {
    await db.exec(`CREATE TABLE e AS SELECT i AS id, [i, i + 0.5, NULL]::FLOAT[3] AS v FROM range(5000) r(i);
      INSERT INTO e VALUES (-1, NULL)`)
    const table = (await db.query('SELECT id, v FROM e ORDER BY id')).toArrow()
    db.register('reg', table)
    const file = join(dir, 'e.arrow')
    await db.exec(`COPY e TO '${file}'`)
    for (const from of ['reg', `'${file}'`]) {
      assert.deepEqual((await db.query(`SELECT count(*), sum(v[2]), count(v[3]), count(v) FROM ${from}`)).rows,
        [[5001n, 5000 * 4999 / 2 + 2500, 0n, 5000n]], from)
      assert.deepEqual((await db.query(`SELECT v FROM ${from} WHERE id IN (-1, 4998) ORDER BY id`)).rows, [[null], [[4998, 4998.5, null]]], from)
    }
  } finally {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('views of a FLOAT[n] segment share its array and never change after writes, truncates or appends', () => {
  const s = segmentOf(FLOAT3, [[1, null, 3], [4, 5, 6]])
  const v = s.view(0, 2)
  assert.deepEqual(rows(s.view(1, 2)), [[4, 5, 6]])
  s.write(0, vectorFromValues(FLOAT3, [[7, 8, 9]]), 0)
  s.truncate(1)
  s.append(vectorFromValues(FLOAT3, [[0, null, 0]]), 0, 1)
  assert.deepEqual(rows(v), [[1, null, 3], [4, 5, 6]])
  assert.deepEqual(rows(s.view(0, 2)), [[7, 8, 9], [0, null, 0]])
})

test('COALESCE and CASE pick FLOAT[n] rows by stride, NULL rows and elements kept', async () => {
  const db = await Database.open()
  try {
    await db.exec(`CREATE TABLE p (id INTEGER, a FLOAT[2], b FLOAT[2]);
      INSERT INTO p VALUES (1, NULL, [1, 2]), (2, [3, NULL], [5, 6]), (3, NULL, NULL), (4, [7, 8], NULL)`)
    assert.deepEqual((await db.query('SELECT coalesce(a, b) FROM p ORDER BY id')).rows, [[[1, 2]], [[3, null]], [null], [[7, 8]]])
    assert.deepEqual((await db.query('SELECT CASE WHEN id % 2 = 0 THEN b ELSE a END FROM p ORDER BY id')).rows, [[null], [[5, 6]], [null], [null]])
  } finally { await db.close() }
})

test('rows of the wrong size or element type are refused with a hint; the flat column is left as it was', async () => {
  const db = await Database.open()
  try {
    await db.exec(`CREATE TABLE e (id INTEGER, v FLOAT[3]); INSERT INTO e VALUES (1, [1, NULL, 3])`)
    await fails(() => db.exec('INSERT INTO e VALUES (2, [1, 2])'), SqlState.cannotCoerce, /2 elements to FLOAT\[3\]/)
    await fails(() => db.exec('UPDATE e SET v = [1, 2, 3, 4]'), SqlState.cannotCoerce, /4 elements to FLOAT\[3\]/)
    await fails(() => db.exec('INSERT INTO e SELECT 3, [1, 2]::FLOAT[2]'), SqlState.cannotCoerce, /FLOAT\[2\] to FLOAT\[3\]/)
    await fails(() => db.exec(`INSERT INTO e VALUES (4, ['a', 'b', 'c'])`), SqlState.invalidTextRepresentation, /"a"/)
    assert.deepEqual((await db.query('SELECT id, v FROM e')).rows, [[1, [1, null, 3]]])
  } finally { await db.close() }
})
