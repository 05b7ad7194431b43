/**
 * The "udf" section: a scalar UDF running in the extension sandbox against the same function
 * registered natively in the host, through SQL over one table, for a DOUBLE function (x*2+1) and
 * a VARCHAR function (ASCII upper-case). Reported as throughput ratios (sandboxed ÷ native
 * rows/s) next to the targets. Runs in the bench's own process: no peer engine takes part.
 */
import { loadavg } from 'node:os'
import { Database } from '../core/database.ts'
import type { ScalarKernel } from '../core/hooks/contracts.ts'
import { DOUBLE, VARCHAR } from '../core/types/types.ts'
import { Vector } from '../core/vector/vector.ts'
import { registerSandboxedFunctions } from '../sandbox/register.ts'
import { ExtensionSandbox } from '../sandbox/sandbox.ts'

/** The extension, vectorized as the SDK asks: one call per batch, loops over typed arrays and UTF-8 bytes. */
export const UDF_EXTENSION = `let upperOut = new Uint8Array(0)
defineExtension({ name: 'udfbench', version: '1.0.0', scalars: [
  { name: 'sb_affine', args: ['DOUBLE'], returns: 'DOUBLE', invoke([x], n) {
      const v = x.values, out = new Float64Array(n)
      for (let i = 0; i < n; i++) out[i] = v[i] * 2 + 1
      return { type: 'DOUBLE', length: n, values: out, validity: x.validity } } },
  { name: 'sb_upper', args: ['VARCHAR'], returns: 'VARCHAR', invoke([s], n) {
      // four bytes at a time (the arena aligns them), as V8's own toUpperCase does for ASCII:
      // a byte in 'a'..'z' loses bit 0x20; bytes of multi-byte characters (high bit set) stay
      const src = s.values.bytes, len = src.length
      // one output buffer for every batch: the runtime copies the result out before the next call
      if (upperOut.length < len) upperOut = new Uint8Array(Math.max(len, upperOut.length * 2))
      const bytes = upperOut.subarray(0, len)
      let i = 0
      if ((src.byteOffset & 3) === 0) {
        const words = len >> 2, from = new Int32Array(src.buffer, src.byteOffset, words), to = new Int32Array(bytes.buffer, 0, words)
        for (let w = 0; w < words; w++) { const x = from[w], h = x & 0x7f7f7f7f; to[w] = x ^ ((~x & ((h + 0x1f1f1f1f) ^ (h + 0x05050505)) & 0x80808080) >>> 2) }
        i = words << 2
      }
      for (; i < len; i++) { const c = src[i]; bytes[i] = c >= 97 && c <= 122 ? c - 32 : c }
      // same lengths: the input's offsets go back as they are
      return { type: 'VARCHAR', length: n, values: { bytes, offsets: s.values.offsets }, validity: s.validity } } },
] })`

export const nativeAffine: ScalarKernel = ([x], n) => {
  const v = x!.data as Float64Array, out = new Float64Array(n)
  for (let i = 0; i < n; i++) out[i] = v[i]! * 2 + 1
  return new Vector(DOUBLE, n, out, null)
}
export const nativeUpper: ScalarKernel = ([s], n) => {
  const v = s!.data as string[], out = new Array<string>(n)
  for (let i = 0; i < n; i++) out[i] = v[i]!.toUpperCase()
  return new Vector(VARCHAR, n, out, null)
}

export interface UdfCase {
  readonly name: string
  readonly nativeSql: string
  readonly sandboxedSql: string
  readonly nativeMs: number
  readonly sandboxedMs: number
  /** sandboxed rows/s ÷ native rows/s, by wall time */
  readonly ratio: number
  /** the same by process CPU time (all threads): steadier than wall time on a busy machine */
  readonly nativeCpuMs: number
  readonly sandboxedCpuMs: number
  readonly cpuRatio: number
  readonly target: number
  readonly sameAnswer: boolean
}

export interface UdfReport {
  readonly rows: number
  readonly loadMs: number
  readonly cases: readonly UdfCase[]
  readonly markdown: string
}

const CASES = [
  { name: 'DOUBLE x*2+1', nativeSql: 'SELECT sum(host_affine(x)) FROM t', sandboxedSql: 'SELECT sum(sb_affine(x)) FROM t', target: 0.8 },
  { name: 'VARCHAR upper(s)', nativeSql: 'SELECT max(host_upper(s)) FROM t', sandboxedSql: 'SELECT max(sb_upper(s)) FROM t', target: 0.5 },
] as const

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export async function runUdfSection(rows: number, runs: number, warmups: number, log: (s: string) => void = () => {}): Promise<UdfReport> {
  const db = await Database.open()
  const sandbox = ExtensionSandbox.load({ name: 'udfbench', code: UDF_EXTENSION, limits: { heapMb: 512, cpuMsPerCall: 60_000, wallMsPerStatement: 3_600_000 } })
  try {
    registerSandboxedFunctions(db.hooks, sandbox)
    db.hooks.registerScalar({ name: 'host_affine', nulls: 'propagate', volatility: 'immutable', overloads: [{ args: [DOUBLE], returns: DOUBLE, invoke: nativeAffine }] })
    db.hooks.registerScalar({ name: 'host_upper', nulls: 'propagate', volatility: 'immutable', overloads: [{ args: [VARCHAR], returns: VARCHAR, invoke: nativeUpper }] })
    const t0 = performance.now()
    await db.exec(`CREATE TABLE t AS SELECT i * 0.5 AS x, 'row number ' || i || ' ok' AS s FROM range(${rows}) r(i)`)
    const loadMs = performance.now() - t0
    const cases: UdfCase[] = []
    for (const c of CASES) {
      const times = { native: [] as number[], sandboxed: [] as number[] }
      const cpuTimes = { native: [] as number[], sandboxed: [] as number[] }
      const answers: unknown[] = []
      for (let r = 0; r < warmups + runs; r++) {
        // alternate who goes first, so drift in the machine hits both alike
        const order = r % 2 === 0 ? (['native', 'sandboxed'] as const) : (['sandboxed', 'native'] as const)
        for (const which of order) {
          const start = performance.now(), cpu0 = process.cpuUsage()
          const result = await db.query(which === 'native' ? c.nativeSql : c.sandboxedSql)
          const ms = performance.now() - start, cpu = process.cpuUsage(cpu0)
          if (r === 0) answers.push(result.rows[0]?.[0])
          if (r >= warmups) { times[which].push(ms); cpuTimes[which].push((cpu.user + cpu.system) / 1000) }
        }
      }
      const nativeMs = median(times.native), sandboxedMs = median(times.sandboxed)
      const nativeCpuMs = median(cpuTimes.native), sandboxedCpuMs = median(cpuTimes.sandboxed)
      const item: UdfCase = {
        ...c, nativeMs, sandboxedMs, ratio: nativeMs / sandboxedMs, nativeCpuMs, sandboxedCpuMs, cpuRatio: nativeCpuMs / sandboxedCpuMs,
        sameAnswer: answers[0] === answers[1],
      }
      cases.push(item)
      log(`udf ${c.name}: native ${nativeMs.toFixed(0)} ms, sandboxed ${sandboxedMs.toFixed(0)} ms, ratio ${item.ratio.toFixed(2)} (cpu ${item.cpuRatio.toFixed(2)})`)
    }
    return { rows, loadMs, cases, markdown: render(rows, loadMs, cases) }
  } finally {
    sandbox.dispose()
    await db.close()
  }
}

function render(rows: number, loadMs: number, cases: readonly UdfCase[]): string {
  const mrows = (ms: number) => (rows / ms / 1000).toFixed(1)
  const lines = [
    `## UDF: sandboxed vs native scalar, ${rows.toLocaleString('en')} rows`,
    '',
    'The same function as a native host kernel and as an extension in the isolated-vm sandbox (one call per 4096-row chunk, batches through the shared arena), both through SQL over one table. Ratio = sandboxed rows/s ÷ native rows/s (1.00 = as fast).',
    '',
    '| function | native ms | sandboxed ms | native M rows/s | sandboxed M rows/s | ratio | ratio by CPU time | target | answer |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
    ...cases.map(c => `| ${c.name} | ${c.nativeMs.toFixed(0)} | ${c.sandboxedMs.toFixed(0)} | ${mrows(c.nativeMs)} | ${mrows(c.sandboxedMs)} | ${c.ratio.toFixed(2)} | ${c.cpuRatio.toFixed(2)} | ≥ ${c.target.toFixed(2)} ${c.ratio >= c.target ? '(met)' : '(**missed**)'} | ${c.sameAnswer ? 'same' : '**MISMATCH**'} |`),
    '',
    `Ratios are medians of ${'timed runs'}; "ratio by CPU time" uses process CPU time (all threads), which other load on the machine disturbs less than wall time (load average now ${loadavg()[0]!.toFixed(1)}).`,
    '',
    `Queries: \`${cases.map(c => c.sandboxedSql).join('`, `')}\` (native: \`host_…\`). Table built in ${(loadMs / 1000).toFixed(1)} s (not timed).`,
    '',
  ]
  return lines.join('\n')
}

// run on its own: node --no-node-snapshot --import tsx bench/udf.ts [rows]
if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 1_000_000)
  const r = await runUdfSection(rows, 3, 1, s => console.error(s))
  console.log(r.markdown)
}
