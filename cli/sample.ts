/**
 * A small sample database for the shell (`grizzly --sample`): customers, products and orders
 * generated from a fixed seed, so the same queries give the same answers everywhere.
 */
import type { Database } from '../core/database.ts'

function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const REGIONS = ['north', 'south', 'east', 'west']
const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Tony', 'Margaret', 'John']
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Hoare', 'Hamilton', 'Backus']
const CATEGORIES = ['tools', 'garden', 'kitchen', 'books', 'toys']

const q = (s: string) => `'${s.replace(/'/g, "''")}'`

export async function loadSampleData(db: Database, scale = 1): Promise<void> {
  const rand = prng(42)
  const customers = 1000 * scale, products = 50, orders = 20000 * scale
  await db.exec(`
    CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, region VARCHAR, signup DATE);
    CREATE TABLE products (id INTEGER PRIMARY KEY, name VARCHAR NOT NULL, category VARCHAR, price DECIMAL(10,2));
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, product_id INTEGER, quantity INTEGER, ordered_at TIMESTAMP);`)
  const batches = async (table: string, n: number, row: (i: number) => string) => {
    for (let start = 1; start <= n; start += 1000) {
      const rows: string[] = []
      for (let i = start; i < Math.min(n + 1, start + 1000); i++) rows.push(`(${row(i)})`)
      await db.exec(`INSERT INTO ${table} VALUES ${rows.join(',')}`)
    }
  }
  const day0 = Date.UTC(2023, 0, 1)
  const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10)
  await batches('customers', customers, i => {
    const name = `${FIRST[Math.floor(rand() * FIRST.length)]} ${LAST[Math.floor(rand() * LAST.length)]}`
    const region = rand() < 0.05 ? 'NULL' : q(REGIONS[Math.floor(rand() * REGIONS.length)]!)
    return `${i}, ${q(name)}, ${region}, DATE ${q(isoDate(day0 + Math.floor(rand() * 700) * 86_400_000))}`
  })
  await batches('products', products, i => {
    const price = (1 + Math.floor(rand() * 20000) / 100).toFixed(2)
    return `${i}, ${q(`product ${i}`)}, ${q(CATEGORIES[i % CATEGORIES.length]!)}, ${price}`
  })
  await batches('orders', orders, i => {
    const ts = new Date(day0 + Math.floor(rand() * 730 * 86_400_000)).toISOString().replace('T', ' ').slice(0, 19)
    return `${i}, ${1 + Math.floor(rand() * customers)}, ${1 + Math.floor(rand() * products)}, ${1 + Math.floor(rand() * 5)}, TIMESTAMP ${q(ts)}`
  })
}
