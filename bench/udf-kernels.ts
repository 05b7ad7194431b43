/**
 * Informal throughput check (numbers go in sandbox/README.md; the SQL path is also the bench's udf section): a DOUBLE scalar (x*2+1) and a VARCHAR
 * scalar (ASCII upper-case) over 10M rows, sandboxed versus the same function as a host kernel,
 * called directly in batches and through SQL. Run:
 *   node --no-node-snapshot --import tsx bench/udf-kernels.ts [rows]
 */
import { Database } from '../core/database.ts'
import { UDF_EXTENSION, nativeAffine, nativeUpper } from './udf.ts'
import { DOUBLE, VARCHAR } from '../core/types/types.ts'
import { Vector, slice } from '../core/vector/vector.ts'
import { ExtensionSandbox } from '../sandbox/sandbox.ts'
import { registerSandboxedFunctions } from '../sandbox/register.ts'

const ROWS = Number(process.argv[2] ?? 10_000_000)

function time(label: string, f: () => void): number {
  const t0 = performance.now()
  f()
  const ms = performance.now() - t0
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms  ${(ROWS / ms / 1000).toFixed(1).padStart(7)} M rows/s`)
  return ms
}

const sandbox = ExtensionSandbox.load({ name: 'udfbench', code: UDF_EXTENSION, limits: { heapMb: 256, cpuMsPerCall: 60_000, wallMsPerStatement: 600_000 } })
const doubles = new Vector(DOUBLE, ROWS, Float64Array.from({ length: ROWS }, (_, i) => i * 0.5), null)
const strings = new Vector(VARCHAR, ROWS, Array.from({ length: ROWS }, (_, i) => `row number ${i} ok`), null)
const ctx = { setting: () => null, statementTime: 0, random: Math.random, setSeed: () => {} }

for (const batch of [4096, 65536]) {
  console.log(`-- kernels, batches of ${batch}`)
  const affine = sandbox.scalar('sb_affine'), upper = sandbox.scalar('sb_upper')
  const run = (f: (v: Vector, n: number) => void, v: Vector) => () => {
    for (let at = 0; at < ROWS; at += batch) { const end = Math.min(ROWS, at + batch); f(slice(v, at, end), end - at) }
  }
  const hd = time('DOUBLE x*2+1 host', run((v, n) => nativeAffine([v], n, ctx), doubles))
  const sd = time('DOUBLE x*2+1 sandboxed', run((v, n) => sandbox.callScalar(affine, [v], n), doubles))
  console.log(`   sandboxed / host speed: ${(hd / sd).toFixed(2)}x`)
  const hu = time('VARCHAR upper host', run((v, n) => nativeUpper([v], n, ctx), strings))
  const su = time('VARCHAR upper sandboxed', run((v, n) => sandbox.callScalar(upper, [v], n), strings))
  console.log(`   sandboxed / host speed: ${(hu / su).toFixed(2)}x`)
}

console.log('-- through SQL (4096-row chunks)')
const db = await Database.open()
registerSandboxedFunctions(db.hooks, sandbox)
db.hooks.registerScalar({ name: 'host_affine', nulls: 'propagate', volatility: 'immutable', overloads: [{ args: [DOUBLE], returns: DOUBLE, invoke: nativeAffine }] })
db.hooks.registerScalar({ name: 'host_upper', nulls: 'propagate', volatility: 'immutable', overloads: [{ args: [VARCHAR], returns: VARCHAR, invoke: nativeUpper }] })
await db.exec(`CREATE TABLE t AS SELECT i * 0.5 AS x, 'row number ' || i || ' ok' AS s FROM range(${ROWS}) r(i)`)
const q = async (sql: string): Promise<void> => { await db.query(sql) }
let t0 = performance.now(); await q('SELECT sum(x) FROM t'); const scanMs = performance.now() - t0
console.log(`${'scan only: SELECT sum(x)'.padEnd(44)} ${scanMs.toFixed(0).padStart(7)} ms`)
for (const [label, sql] of [
  ['SQL sum(host_affine(x))', 'SELECT sum(host_affine(x)) FROM t'],
  ['SQL sum(sb_affine(x))', 'SELECT sum(sb_affine(x)) FROM t'],
  ['SQL max(host_upper(s))', 'SELECT max(host_upper(s)) FROM t'],
  ['SQL max(sb_upper(s))', 'SELECT max(sb_upper(s)) FROM t'],
] as const) {
  t0 = performance.now(); await q(sql)
  const ms = performance.now() - t0
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms  ${(ROWS / ms / 1000).toFixed(1).padStart(7)} M rows/s`)
}
console.log(sandbox.stats())
sandbox.dispose()
