/**
 * Foreign keys as DuckDB runs them: UPDATEs of indexed columns move rows, self-references are
 * checked against the table before the statement, a parent deleted earlier in the transaction
 * is checked again at COMMIT, and a referencing (child) table may be renamed.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Database } from '../../index.ts'
import { fails } from '../expect-error.ts'

async function rows(db: Database | ReturnType<Database['connect']>, sql: string): Promise<(string | null)[][]> {
  return (await db.query(sql)).textRows()
}

test('an UPDATE of a key column moves the rows to the end of the table; other columns stay in place', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE p(i INTEGER PRIMARY KEY, v VARCHAR);
    INSERT INTO p VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')`)
  await db.exec(`UPDATE p SET v = 'B' WHERE i = 2`)
  assert.deepEqual(await rows(db, 'SELECT i, v FROM p'), [['1', 'a'], ['2', 'B'], ['3', 'c'], ['4', 'd']])
  await db.exec('UPDATE p SET i = i + 10 WHERE i IN (3, 1)')
  // in the order the statement met them, with new row ids
  assert.deepEqual(await rows(db, 'SELECT rowid, i, v FROM p'), [['1', '2', 'B'], ['3', '4', 'd'], ['4', '11', 'a'], ['5', '13', 'c']])
  // keys may be swapped in one statement
  await db.exec('UPDATE p SET i = 6 - i WHERE i IN (2, 4)')
  assert.deepEqual(await rows(db, 'SELECT i, v FROM p ORDER BY i'), [['2', 'd'], ['4', 'B'], ['11', 'a'], ['13', 'c']])
  // a duplicate still fails and changes nothing
  await fails(() => db.exec('UPDATE p SET i = 2 WHERE i = 4'), '23505', /Duplicate key "i: 2"/)
  assert.deepEqual(await rows(db, 'SELECT i, v FROM p'), [['11', 'a'], ['13', 'c'], ['4', 'B'], ['2', 'd']])
  // RETURNING gives the new values
  assert.deepEqual(await rows(db, `UPDATE p SET i = 12 WHERE i = 11 RETURNING i, v`), [['12', 'a']])
  await db.close()
})

test('an UPDATE of a LIST, MAP or ARRAY column moves the rows too (DuckDB cannot update them in place)', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE a(i INTEGER, l INTEGER[], s STRUCT(x INTEGER, y INTEGER[]), t STRUCT(x INTEGER), f FLOAT[2], m MAP(INTEGER, INTEGER));
    INSERT INTO a SELECT range, [range], {'x': range, 'y': [range]}, {'x': range}, [range, range], MAP {range: range} FROM range(4)`)
  await db.exec(`UPDATE a SET t = {'x': 9} WHERE i = 0`)
  assert.deepEqual(await rows(db, 'SELECT i, rowid FROM a'), [['0', '0'], ['1', '1'], ['2', '2'], ['3', '3']])
  await db.exec(`UPDATE a SET l = [9] WHERE i = 0`)
  await db.exec(`UPDATE a SET s = {'x': 9, 'y': []} WHERE i = 1`)
  await db.exec(`UPDATE a SET f = [9, 9] WHERE i = 2`)
  assert.deepEqual(await rows(db, 'SELECT i, rowid FROM a'), [['3', '3'], ['0', '4'], ['1', '5'], ['2', '6']])
  await db.exec(`UPDATE a SET m = MAP {9: 9} WHERE i = 3`)
  assert.deepEqual(await rows(db, 'SELECT i, l, s, f, m FROM a'), [
    ['0', '[9]', '{\'x\': 0, \'y\': [0]}', '[0.0, 0.0]', '{0=0}'], ['1', '[1]', '{\'x\': 9, \'y\': []}', '[1.0, 1.0]', '{1=1}'],
    ['2', '[2]', '{\'x\': 2, \'y\': [2]}', '[9.0, 9.0]', '{2=2}'], ['3', '[3]', '{\'x\': 3, \'y\': [3]}', '[3.0, 3.0]', '{9=9}']])
  await db.close()
})

test('a moving UPDATE rolls back: rows, keys and order come back', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE p(i INTEGER PRIMARY KEY, v VARCHAR UNIQUE);
    CREATE INDEX pv ON p(v);
    INSERT INTO p VALUES (1, 'a'), (2, 'b'), (3, 'c')`)
  await db.exec(`BEGIN; UPDATE p SET i = 10 WHERE i = 1; UPDATE p SET v = 'z' WHERE i = 2`)
  assert.deepEqual(await rows(db, 'SELECT i, v FROM p'), [['3', 'c'], ['10', 'a'], ['2', 'z']])
  await db.exec('ROLLBACK')
  assert.deepEqual(await rows(db, 'SELECT i, v FROM p'), [['1', 'a'], ['2', 'b'], ['3', 'c']])
  assert.deepEqual(await rows(db, `SELECT i FROM p WHERE v = 'b'`), [['2']])
  await fails(() => db.exec(`INSERT INTO p VALUES (1, 'q')`), '23505', /"i: 1"/)
  await fails(() => db.exec(`INSERT INTO p VALUES (7, 'a')`), '23505', /"v: a"/, false)
  await db.exec(`INSERT INTO p VALUES (10, 'z')`)
  await db.close()
})

test('moved rows come back from the log and from a checkpoint in their new order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fk-move-'))
  try {
    const path = join(dir, 'db.grizzly')
    const db = await Database.open(path)
    await db.exec(`CREATE TABLE p(i INTEGER PRIMARY KEY, v VARCHAR); INSERT INTO p VALUES (1, 'a'), (2, 'b'), (3, 'c');
      CREATE TABLE c(j INTEGER REFERENCES p(i)); INSERT INTO c VALUES (3)`)
    await db.exec(`UPDATE p SET i = 10 WHERE i = 1; UPDATE p SET v = 'B' WHERE i = 2`)
    const expected = [['2', 'B'], ['3', 'c'], ['10', 'a']]
    // the log alone (the writer has not checkpointed)
    const ro = await Database.open(path, { readOnly: true })
    assert.deepEqual(await rows(ro, 'SELECT i, v FROM p'), expected)
    await ro.close()
    await db.exec('FORCE CHECKPOINT')
    await db.close()
    const again = await Database.open(path)
    assert.deepEqual(await rows(again, 'SELECT i, v FROM p'), expected)
    await fails(() => again.exec(`INSERT INTO p VALUES (10, 'x')`), '23505', /"i: 10"/)
    await fails(() => again.exec('UPDATE p SET i = 30 WHERE i = 3'), '23503', /"i: 3" is still referenced/)
    await again.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('an UPDATE of a foreign key column moves the row and checks its new parent', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE album(artist INTEGER, name VARCHAR, UNIQUE (artist, name));
    INSERT INTO album VALUES (1, 'A'), (2, 'B'), (3, 'C');
    CREATE TABLE song(id INTEGER, artist INTEGER, album VARCHAR, FOREIGN KEY (artist, album) REFERENCES album(artist, name));
    INSERT INTO song VALUES (11, 1, 'A'), (12, 2, 'B'), (13, 3, 'C')`)
  const e = await fails(() => db.exec(`UPDATE song SET artist = 5 WHERE id = 12`), '23503', /key "artist: 5, album: B" does not exist/)
  assert.match(e.hint ?? '', /insert the row with that key into "album" first/)
  await db.exec(`UPDATE song SET artist = 1, album = 'A' WHERE id = 12`)
  assert.deepEqual(await rows(db, 'SELECT id FROM song'), [['11'], ['13'], ['12']])
  // a parent key no child holds any more may change; one still held may not
  await db.exec(`UPDATE album SET artist = 5, name = 'D' WHERE name = 'B'`)
  const held = await fails(() => db.exec(`UPDATE album SET name = 'X' WHERE name = 'C'`), '23503', /"artist: 3, name: C" is still referenced/)
  assert.match(held.hint ?? '', /rows of "song" that reference it/)
  assert.deepEqual(await rows(db, 'SELECT * FROM album'), [['1', 'A'], ['3', 'C'], ['5', 'D']])
  await db.close()
})

test('self-references: a row cannot reference a row of its own INSERT, nor delete rows that reference each other', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE emp(id INTEGER PRIMARY KEY, boss INTEGER REFERENCES emp(id))')
  await fails(() => db.exec('INSERT INTO emp VALUES (1, 1)'), '23503', /key "boss: 1" does not exist/)
  await fails(() => db.exec('INSERT INTO emp VALUES (1, NULL), (2, 1)'), '23503', /key "boss: 1"/)
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM emp'), [['0']])
  await db.exec('INSERT INTO emp VALUES (1, NULL); INSERT INTO emp VALUES (2, 1), (3, 1); INSERT INTO emp VALUES (4, 2)')
  // TRUNCATE and DELETE alike: 1 and 2 are still referenced by rows of the same statement
  await fails(() => db.exec('TRUNCATE emp'), '23503', /still referenced/)
  await fails(() => db.exec('DELETE FROM emp WHERE id <= 2'), '23503', /still referenced/)
  await fails(() => db.exec('UPDATE emp SET id = 20 WHERE id = 2'), '23503', /"id: 2" is still referenced/)
  // moving a row whose key stays is fine, and so is pointing at a row of an earlier statement
  await db.exec('UPDATE emp SET boss = 3 WHERE id = 4')
  assert.deepEqual(await rows(db, 'SELECT * FROM emp'), [['1', null], ['2', '1'], ['3', '1'], ['4', '3']])
  await db.exec('DELETE FROM emp WHERE id IN (2, 4)')
  await db.exec('DELETE FROM emp WHERE id = 3')
  await db.exec('DELETE FROM emp')
  assert.deepEqual(await rows(db, 'SELECT count(*) FROM emp'), [['0']])
  await db.close()
})

test('a parent row deleted earlier in the transaction still counts until COMMIT', async () => {
  const db = await Database.open()
  await db.exec(`CREATE TABLE pkt(i INTEGER PRIMARY KEY); CREATE TABLE fkt(j INTEGER REFERENCES pkt(i));
    INSERT INTO pkt VALUES (1), (2), (3)`)
  // as DuckDB: accepted while the transaction runs
  await db.exec('BEGIN; DELETE FROM pkt WHERE i = 1; INSERT INTO fkt VALUES (1)')
  assert.deepEqual(await rows(db, 'SELECT * FROM fkt'), [['1']])
  // unlike DuckDB, which commits the orphan, COMMIT checks again and refuses
  const e = await fails(() => db.exec('COMMIT'), '23503', /^Failed to commit: Violates foreign key constraint because key "j: 1" does not exist/)
  assert.match(e.hint ?? '', /deleted earlier in the transaction/)
  assert.deepEqual(await rows(db, 'SELECT * FROM pkt'), [['1'], ['2'], ['3']])
  assert.deepEqual(await rows(db, 'SELECT * FROM fkt'), [])
  // putting the parent back, or deleting the child, before COMMIT is fine
  await db.exec('BEGIN; DELETE FROM pkt WHERE i = 2; INSERT INTO fkt VALUES (2); INSERT INTO pkt VALUES (2); COMMIT')
  await db.exec('BEGIN; DELETE FROM pkt WHERE i = 3; INSERT INTO fkt VALUES (3); DELETE FROM fkt WHERE j = 3; COMMIT')
  assert.deepEqual(await rows(db, 'SELECT * FROM pkt ORDER BY i'), [['1'], ['2']])
  assert.deepEqual(await rows(db, 'SELECT * FROM fkt'), [['2']])
  // or dropping the referencing table
  await db.exec('CREATE TABLE fkt2(j INTEGER REFERENCES pkt(i)); BEGIN; DELETE FROM pkt WHERE i = 1; INSERT INTO fkt2 VALUES (1); DROP TABLE fkt2; COMMIT')
  assert.deepEqual(await rows(db, 'SELECT * FROM pkt ORDER BY i'), [['2']])
  await db.exec('INSERT INTO pkt VALUES (1)')
  // a referencing row moved by a key UPDATE is re-checked the same way
  await db.exec('CREATE TABLE fk3(k INTEGER PRIMARY KEY, j INTEGER REFERENCES pkt(i))')
  await db.exec('BEGIN; DELETE FROM pkt WHERE i = 1; INSERT INTO fk3 VALUES (100, 1); UPDATE fk3 SET k = 101 WHERE k = 100')
  await fails(() => db.exec('COMMIT'), '23503', /^Failed to commit: .*"j: 1"/)
  await db.exec('BEGIN; DELETE FROM pkt WHERE i = 1; INSERT INTO fk3 VALUES (100, 1); UPDATE fk3 SET k = 101 WHERE k = 100; INSERT INTO pkt VALUES (1); COMMIT')
  assert.deepEqual(await rows(db, 'SELECT * FROM fk3'), [['101', '1']])
  await db.exec('DROP TABLE fk3')
  // a key the same UPDATE took away (a self-reference) fails at once
  await db.exec('CREATE TABLE emp(id INTEGER PRIMARY KEY, boss INTEGER REFERENCES emp(id)); INSERT INTO emp VALUES (1, NULL)')
  await db.exec('BEGIN')
  await fails(() => db.exec('UPDATE emp SET id = 10, boss = 1 WHERE id = 1'), '23503', /"boss: 1" does not exist/)
  await db.exec('ROLLBACK')
  // a key that never existed fails at once
  await db.exec('BEGIN')
  await fails(() => db.exec('INSERT INTO fkt VALUES (9)'), '23503', /"j: 9" does not exist/)
  await db.exec('ROLLBACK')
  await db.close()
})

test('a parent row another transaction deleted does not count', async () => {
  const db = await Database.open()
  await db.exec('CREATE TABLE pkt(i INTEGER PRIMARY KEY); CREATE TABLE fkt(j INTEGER REFERENCES pkt(i)); INSERT INTO pkt VALUES (1)')
  const a = db.connect(), b = db.connect()
  await a.exec('BEGIN; DELETE FROM pkt WHERE i = 1')
  await b.exec('BEGIN')
  await fails(() => b.exec('INSERT INTO fkt VALUES (1)'), '23503', /"j: 1" does not exist/)
  await b.exec('ROLLBACK')
  await a.exec('ROLLBACK')
  await db.close()
})

test('a referencing table may be renamed, a referenced one may not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fk-rename-'))
  try {
    const path = join(dir, 'db.grizzly')
    let db = await Database.open(path)
    await db.exec(`CREATE TABLE dept(id INTEGER PRIMARY KEY);
      CREATE TABLE emp(id INTEGER PRIMARY KEY, dept INTEGER REFERENCES dept(id));
      CREATE TABLE node(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES node(id));
      INSERT INTO dept VALUES (1); INSERT INTO emp VALUES (10, 1)`)
    const e = await fails(() => db.exec('ALTER TABLE dept RENAME TO departments'), '2BP01', /Cannot rename table "dept": the foreign key of "emp" references it/)
    assert.match(e.hint ?? '', /drop "emp"/)
    await fails(() => db.exec('ALTER TABLE node RENAME TO nodes'), '2BP01', /foreign key of "node" references it/)
    await db.exec('ALTER TABLE emp RENAME TO staff')
    await fails(() => db.exec('INSERT INTO staff VALUES (11, 2)'), '23503', /"dept: 2"/)
    await fails(() => db.exec('DROP TABLE dept'), '2BP01', /main key table of the table "staff"/)
    await db.close()
    // the renamed table keeps its foreign key in the database file
    db = await Database.open(path)
    await fails(() => db.exec('INSERT INTO staff VALUES (11, 2)'), '23503', /"dept: 2"/)
    await fails(() => db.exec('DELETE FROM dept'), '23503', /still referenced/)
    await db.exec('DROP TABLE staff; DROP TABLE dept')
    await db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
