// Run with: node --import tsx examples/quickstart/main.ts
import { Database } from 'grizzly-db'

const db = await Database.open()
await db.exec(`
  CREATE TABLE trips (id INTEGER PRIMARY KEY, city VARCHAR NOT NULL, km DOUBLE, started DATE);
  INSERT INTO trips VALUES
    (1, 'Oslo', 12.5, DATE '2024-03-01'), (2, 'Oslo', 3.0, DATE '2024-03-02'),
    (3, 'Lima', 40.25, DATE '2024-03-02'), (4, 'Pune', NULL, DATE '2024-03-05')`)

const byCity = await db.query(`
  SELECT city, count(*) AS trips, round(avg(km), 2) AS avg_km
  FROM trips GROUP BY city ORDER BY trips DESC, city`)
console.table(byCity.toObjects())

const recent = await db.query('SELECT id, city FROM trips WHERE started >= $1 ORDER BY id', ['2024-03-02'])
console.log(recent.rows)
await db.close()
