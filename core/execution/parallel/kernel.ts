/**
 * The kernel source of a parallel fragment: one loop per morsel over the shared column arrays
 * that skips hidden rows, tests the predicate, finds the row's group and folds it into
 * per-thread partial states. Each node becomes a NULL flag `nN` and a value `tN`, as in the
 * fused expressions of core/expression/codegen.ts (whose comparison and widening templates it
 * reuses); unlike them it has no kernel calls to fall back on, so integer and DECIMAL arithmetic
 * is done in doubles and any row whose result is not exact there (beyond ±2^53, or beyond the
 * type's range, where the serial kernels raise an error) throws `bail`: the caller then runs
 * the whole fragment serially, which gives the serial answer or error. Only plan-derived text
 * enters the source; constants and parameters travel in `consts`.
 *
 * A fragment with hash-join probes looks each join's key up in its shared build table
 * (build.ts) after the filters it can already test, and an inner join loops over the key's
 * build rows, in build order, with the rest of the row body inside the loop — the serial
 * join's order of joined rows.
 *
 * A DOUBLE sum adds in four accumulators (row position within the morsel mod 4, combined as
 * (a0 + a1) + (a2 + a3)): one accumulator is a chain of dependent additions, bound by the add's
 * latency rather than by memory. Such a kernel unrolls its row loop by four, and runs a copy
 * without NULL and visibility checks when a morsel has no hidden rows and no NULL masks.
 */
import { assertNever, InternalError } from '../../errors.ts'
import type { BoundExpr } from '../../plan/expr.ts'
import type { Value } from '../../types/types.ts'
import { DECIMAL_FLOAT_MAX_WIDTH, type LogicalType } from '../../types/types.ts'
import { comparison, widening } from '../../expression/codegen.ts'
import { decimalArithmeticOf } from '../../functions/decimal-arith.ts'
import { ROW_GROUP_SIZE } from '../../catalog/memory-table.ts'
import type { FragmentAggregate, ParallelFragment } from '../../optimizer/parallel-fragment.ts'
import { hashSource, type SharedBuild } from './build.ts'

interface Slot { readonly v: string; readonly n: string }

/** keys 0 ≤ k < this find their group through an array (256 KiB per thread and query) */
const DIRECT_KEYS = 65536

const INTEGER_RANGE: Partial<Record<LogicalType['id'], readonly [number, number]>> = {
  TINYINT: [-128, 127], SMALLINT: [-32768, 32767], INTEGER: [-2147483648, 2147483647],
}

/** Partial state of one thread: groups in order of first appearance, per aggregate per group. */
export interface PartialState {
  readonly keys: number[]
  /** index of the NULL key's group, or -1 */
  readonly nullGroup: number
  /** position of each group's first row */
  readonly first: number[]
  /** per aggregate: rows counted / summed values' low part (a double) / high part / min or max */
  readonly n: number[][]
  readonly lo: number[][]
  readonly hi: bigint[][]
  readonly m: number[][]
}

export interface Kernel {
  readonly source: string
  readonly consts: readonly unknown[]
  /** per DOUBLE sum / avg (else null): each morsel's sum and count of values, filled by whichever thread took it */
  readonly morselSums: readonly ({ readonly sum: Float64Array; readonly count: Float64Array } | null)[]
}

/** `builds[b]` is join b's build side (f.joins[b]) */
export function kernelOf(f: ParallelFragment, params: readonly Value[], morsels: number, builds: readonly SharedBuild[] = []): Kernel {
  return new Writer(f, params, morsels, builds).kernel()
}

/**
 * With joins a group's first row is (probe position, rank of the joined row among that probe
 * row's), numbered position × 2^20 + rank; a probe row with more joined rows bails
 */
const JOINED_PER_ROW = 1048576

class Writer {
  private readonly body: string[] = []
  private readonly consts: unknown[] = []
  private tmp = 0

  private readonly morselSums: ({ readonly sum: Float64Array; readonly count: Float64Array } | null)[] = []
  private readonly morselStart: string[] = []
  private readonly morselEnd: string[] = []
  /** the name of each constant node's value (a row body is written several times when unrolled) */
  private readonly constNames = new Map<BoundExpr, string>()
  /** the accumulator of DOUBLE sums the row body being written adds into */
  private lane = 0
  /** writing the copy for morsels without hidden rows or NULLs: values are never NULL */
  private dense = false

  /** lines before the kernel's loops: the build sides' arrays */
  private readonly prologue: string[] = []
  private readonly buildNames = new Map<number, string>()
  /** probe loops open in the row body being written */
  private loops = 0

  constructor(private readonly f: ParallelFragment, private readonly params: readonly Value[], private readonly morsels: number,
    private readonly builds: readonly SharedBuild[]) {}

  kernel(): Kernel {
    const f = this.f
    const A = f.aggregates.length
    const grouped = f.key !== null
    for (let x = 0; x < A; x++) this.morselSums.push(null)
    const inputs = f.columns.map((_, k) => `const d${k} = cols[${k}].data, m${k} = cols[${k}].validity`)
    f.aggregates.forEach((a, x) => {
      if (a.kind !== 'fsum' && a.kind !== 'favg') return
      const sums = { sum: new Float64Array(new SharedArrayBuffer(8 * this.morsels)), count: new Float64Array(new SharedArrayBuffer(8 * this.morsels)) }
      this.morselSums[x] = sums
      const s = this.constant(sums.sum), c = this.constant(sums.count)
      this.morselStart.push(`let fs${x}_0 = 0, fs${x}_1 = 0, fs${x}_2 = 0, fs${x}_3 = 0, fc${x} = 0`)
      this.morselEnd.push(`${s}[mo] = (fs${x}_0 + fs${x}_1) + (fs${x}_2 + fs${x}_3); ${c}[mo] = fc${x}`)
    })
    const lanes = this.morselSums.some(x => x !== null)
    const loop = lanes ? this.unrolledLoop() : ['for (let i = from; i < to; i++) {', ...this.rowBody('continue').map(l => '  ' + l), '}']
    const state = grouped
      ? f.aggregates.map((_, x) => `const an${x} = [], alo${x} = [], ahi${x} = [], am${x} = []`)
      : f.aggregates.map((_, x) => `let an${x} = 0, alo${x} = 0, ahi${x} = 0n, am${x} = 0`)
    const newGroup = grouped ? [
      'const keys = [], first = [], index = new Map()',
      'let nullGroup = -1',
      `const direct = new Int32Array(${DIRECT_KEYS}).fill(-1)`,
      `const newGroup = (key, pos) => { keys.push(key); first.push(pos); ${f.aggregates.map((_, x) => `an${x}.push(0); alo${x}.push(0); ahi${x}.push(0n); am${x}.push(0)`).join('; ')}; return keys.length - 1 }`,
    ] : []
    const wrap = (name: string): string => grouped ? name : `[${name}]`
    const result = `return { keys: ${grouped ? 'keys' : '[0]'}, nullGroup: ${grouped ? 'nullGroup' : '-1'}, first: ${grouped ? 'first' : '[0]'}, ` +
      ['n', 'lo', 'hi', 'm'].map(s => `${s}: [${Array.from({ length: A }, (_, x) => wrap(`a${s}${x}`)).join(', ')}]`).join(', ') + ' }'
    const source = [
      ...this.consts.map((_, j) => `const k${j} = consts[${j}]`),
      ...this.prologue,
      'return function run(groups, morsels, counter, count, tick) {',
      ...state,
      ...newGroup,
      '  for (;;) {',
      '    const mo = Atomics.add(counter, 0, 1)',
      '    if (mo >= count) break',
      '    if (tick !== null) tick()',
      '    const gi = morsels[3 * mo], from = morsels[3 * mo + 1], to = morsels[3 * mo + 2]',
      '    const grp = groups[gi], cols = grp.columns, hid = grp.hidden',
      `    const pos0 = gi * ${ROW_GROUP_SIZE}`,
      ...inputs.map(l => '    ' + l),
      ...this.morselStart.map(l => '    ' + l),
      ...loop.map(l => '    ' + l),
      ...this.morselEnd.map(l => '    ' + l),
      '  }',
      `  ${result}`,
      '}',
    ].join('\n')
    return { source, consts: this.consts, morselSums: this.morselSums }
  }

  /** the loop body for row `i`; `skip` leaves the row */
  private rowBody(skip: string): string[] {
    const f = this.f
    const grouped = f.key !== null
    this.body.length = 0
    if (!this.dense) this.line(`if (hid !== null && hid[i] === 1) ${skip}`)
    this.filter(f.predicate, skip)
    const joined = f.joins.length > 0
    this.loops = 0
    if (joined && grouped) this.line('let rank = 0')
    f.joins.forEach((j, b) => this.probe(b, j.kind, j.probeKey, j.predicate, skip))
    if (grouped) {
      if (joined) this.line(`if (rank === ${JOINED_PER_ROW}) throw bail`)
      this.line(joined ? `const at = (pos0 + i) * ${JOINED_PER_ROW} + rank++` : 'const at = pos0 + i')
      const k = this.emit(f.key!)
      this.line(`let g`)
      this.line(`if (${k.n}) { if (nullGroup < 0) nullGroup = newGroup(0, at); g = nullGroup }`)
      // small non-negative keys (most integer and code keys) index an array, others a Map
      this.line(`else if (${k.v} >= 0 && ${k.v} < ${DIRECT_KEYS}) { g = direct[${k.v}]; if (g < 0) { g = newGroup(${k.v}, at); direct[${k.v}] = g } }`)
      this.line(`else { g = index.get(${k.v}); if (g === undefined) { g = newGroup(${k.v}, at); index.set(${k.v}, g) } }`)
    }
    f.aggregates.forEach((a, x) => {
      const at = grouped ? '[g]' : ''
      const lines: string[] = []
      let guard = 'true'
      if (a.filter !== null) {
        const p = this.emit(a.filter)
        guard = `!(${p.n}) && (${p.v})`
      }
      if (a.arg === null) { this.line(`if (${guard}) an${x}${at}++`); return }
      const v = this.emit(a.arg)
      switch (a.kind) {
        case 'count': lines.push(`an${x}${at}++`); break
        case 'fsum': case 'favg':
          lines.push(`fs${x}_${this.lane} += ${v.v}`)
          if (!this.addsEveryRow(a)) lines.push(`fc${x}++`)
          break
        case 'sum': case 'avg':
          // exact: values at or above 2^50 go to the bigint part, the double part spills at 2^52
          lines.push(`an${x}${at}++`)
          lines.push(`if (${v.v} >= 1125899906842624 || ${v.v} <= -1125899906842624) ahi${x}${at} += BigInt(${v.v})`)
          lines.push(`else { const s = alo${x}${at} + ${v.v}; if (s > 4503599627370496 || s < -4503599627370496) { ahi${x}${at} += BigInt(s); alo${x}${at} = 0 } else alo${x}${at} = s }`)
          break
        case 'min': case 'max':
          lines.push(`if (an${x}${at} === 0 || ${v.v} ${a.kind === 'min' ? '<' : '>'} am${x}${at}) am${x}${at} = ${v.v}`)
          lines.push(`an${x}${at}++`)
          break
        case 'count_star': throw new InternalError('count(*) with an argument')
        default: assertNever(a.kind, 'partial aggregate')
      }
      this.line(`if ((${guard}) && !(${v.n})) { ${lines.join('; ')} }`)
    })
    for (; this.loops > 0; this.loops--) this.line('}')
    return this.body.slice()
  }

  /** in the copy for morsels without hidden rows or NULLs, an aggregate of a column with no FILTER under no WHERE takes every row */
  private addsEveryRow(a: FragmentAggregate): boolean {
    return this.dense && this.f.predicate === null && this.f.joins.length === 0 && a.filter === null && a.arg?.kind === 'colref'
  }

  /**
   * rows [from, to) in blocks of four, row k of a block adding into accumulator k; a copy without
   * NULL checks for morsels that have neither hidden rows nor NULL masks; the last 1-3 rows of a
   * morsel whose length is not a multiple of four through guarded copies
   */
  private unrolledLoop(): string[] {
    const f = this.f
    const block = (tail: boolean): string[] => (tail ? [0, 1, 2] : [0, 1, 2, 3]).flatMap(k => {
      this.lane = k
      return [`r${k}: {`, `  const i = b + ${k}`, ...(tail && k > 0 ? [`  if (i >= to) break r${k}`] : []), ...this.rowBody(`break r${k}`).map(l => '  ' + l), '}']
    })
    const checked = block(false)
    this.dense = true
    const dense = block(false)
    // an aggregate that adds every row needs no count per row there
    const counted = f.aggregates.flatMap((a, x) => (a.kind === 'fsum' || a.kind === 'favg') && this.addsEveryRow(a) ? [x] : [])
    this.dense = false
    const tail = block(true)
    const denseMorsel = ['hid === null', ...f.columns.map((_, k) => `m${k} === null`)].join(' && ')
    return [
      'let b = from',
      `if (${denseMorsel}) {`,
      '  for (; b + 3 < to; b += 4) {', ...dense.map(l => '    ' + l), '  }',
      ...counted.map(x => `  fc${x} = b - from`),
      '} else {',
      '  for (; b + 3 < to; b += 4) {', ...checked.map(l => '    ' + l), '  }',
      '}',
      'if (b < to) {', ...tail.map(l => '  ' + l), '}',
    ]
  }

  private line(s: string): void { this.body.push(s) }

  /** a row that fails `predicate` goes: `skip` outside the probe loops, to the next build row inside */
  private filter(predicate: BoundExpr | null, skip: string): void {
    if (predicate === null) return
    const p = this.emit(predicate)
    this.line(`if ((${p.n}) || !(${p.v})) ${this.loops > 0 ? 'continue' : skip}`)
  }

  /**
   * Looks the probe key up in build side b (the multiply-shift hash and linear probing of
   * build.ts); an inner join then opens a loop over the key's build rows (`jr${b}`, closed at
   * the end of the row body), a semi join goes on once, an anti join goes on when the key is
   * NULL or missing (`=` matches no NULL, and NOT EXISTS keeps the row).
   */
  private probe(b: number, kind: 'inner' | 'semi' | 'anti', key: BoundExpr, predicate: BoundExpr | null, skip: string): void {
    let c = this.buildNames.get(b)
    if (c === undefined) {
      const build = this.builds[b]
      if (build === undefined) throw new InternalError(`parallel kernel: no build side for join ${b}`)
      c = this.constant(build)
      this.buildNames.set(b, c)
      this.prologue.push(`const B${b}t = ${c}.slots, B${b}s = ${c}.start, B${b}m = ${c}.mask, B${b}h = ${c}.shift, B${b}lo = ${c}.min, B${b}n = B${b}t.length`)
      build.columns.forEach((_, j) => this.prologue.push(`const B${b}d${j} = ${c}.columns[${j}].data, B${b}n${j} = ${c}.columns[${j}].validity`))
    }
    const miss = this.loops > 0 ? 'continue' : skip
    const k = this.emit(key)
    if (kind === 'anti') this.line(`if (!(${k.n})) {`)
    else this.line(`if (${k.n}) ${miss}`)
    this.line(`const v${b} = ${k.v}`)
    if (this.builds[b]!.direct) {
      this.line(`const o${b} = v${b} - B${b}lo, g${b} = o${b} >= 0 && o${b} < B${b}n ? B${b}t[o${b}] : -1`)
    } else {
      this.line(`let s${b} = ${hashSource(`v${b}`, `B${b}h`)}, g${b} = -1`)
      this.line(`for (;;) { const q = B${b}t[2 * s${b} + 1]; if (q < 0) break; if (B${b}t[2 * s${b}] === v${b}) { g${b} = q; break } s${b} = (s${b} + 1) & B${b}m }`)
    }
    if (kind === 'anti') { this.line(`if (g${b} >= 0) ${miss}`); this.line('}') }
    else this.line(`if (g${b} < 0) ${miss}`)
    if (kind === 'inner') {
      // a build side of unique keys: the group is the row (a different source, compiled once too)
      this.line(this.builds[b]!.unique ? `for (let jr${b} = g${b}, je${b} = g${b} + 1; jr${b} < je${b}; jr${b}++) {`
        : `for (let jr${b} = B${b}s[g${b}], je${b} = B${b}s[g${b} + 1]; jr${b} < je${b}; jr${b}++) {`)
      this.loops++
    }
    this.filter(predicate, skip)
  }
  private fresh(): number { return this.tmp++ }

  private constant(value: unknown): string {
    this.consts.push(value)
    return `k${this.consts.length - 1}`
  }

  private constantOf(node: BoundExpr, value: () => unknown): string {
    let name = this.constNames.get(node)
    if (name === undefined) { name = this.constant(value()); this.constNames.set(node, name) }
    return name
  }

  /** a value whose exactness the serial kernels guarantee: bail when the double is not exact or leaves the type */
  private checked(v: string, n: string, type: LogicalType): void {
    const range = INTEGER_RANGE[type.id]
    if (range !== undefined) { this.line(`if (!(${n}) && (${v} < ${range[0]} || ${v} > ${range[1]})) throw bail`); return }
    const limit = type.id === 'DECIMAL' && type.width <= DECIMAL_FLOAT_MAX_WIDTH ? `1e${type.width}` : '9007199254740992'
    this.line(`if (!(${n}) && !(${v} < ${limit} && ${v} > -${limit})) throw bail`)
  }

  private emit(e: BoundExpr): Slot {
    switch (e.kind) {
      case 'colref': {
        const built = this.f.payload.get(e.id)
        if (built !== undefined) {
          const [b, j] = built
          return { v: `B${b}d${j}[jr${b}]`, n: `(B${b}n${j} !== null && B${b}n${j}[jr${b}] === 0)` }
        }
        const k = this.f.layout.get(e.id)
        if (k === undefined) throw new InternalError(`parallel kernel: column ${e.id} is not an input`)
        return { v: `d${k}[i]`, n: this.dense ? 'false' : `(m${k} !== null && m${k}[i] === 0)` }
      }
      case 'const': case 'param': {
        const value = e.kind === 'const' ? e.value : this.params[e.index - 1] ?? null
        if (value === null) return { v: '0', n: 'true' }
        return { v: this.constantOf(e, () => typeof value === 'boolean' ? (value ? 1 : 0) : value), n: 'false' }
      }
      case 'compare': {
        const l = this.emit(e.left), r = this.emit(e.right)
        const t = this.fresh()
        if (e.op === 'distinct' || e.op === 'not_distinct') {
          const same = comparison('=', e.left.type, l.v, r.v)
          const bothValid = e.op === 'distinct' ? `!(${same})` : `(${same})`
          const someNull = e.op === 'distinct' ? `(${l.n}) !== (${r.n})` : `(${l.n}) === (${r.n})`
          this.line(`const t${t} = ((${l.n}) || (${r.n})) ? ${someNull} : ${bothValid}`)
          return { v: `t${t}`, n: 'false' }
        }
        this.line(`const n${t} = (${l.n}) || (${r.n})`)
        this.line(`const t${t} = !n${t} && ${comparison(e.op, e.left.type, l.v, r.v)}`)
        return { v: `t${t}`, n: `n${t}` }
      }
      case 'and': case 'or': {
        const and = e.kind === 'and'
        const t = this.fresh()
        this.line(`let t${t} = ${and}, n${t} = false`)
        for (const arg of e.args) {
          const a = this.emit(arg)
          this.line(`if (${a.n}) n${t} = true; else if (${and ? '!' : ''}(${a.v})) t${t} = ${!and}`)
        }
        this.line(`if (${and ? '!' : ''}t${t}) n${t} = false`)
        return { v: `t${t}`, n: `n${t}` }
      }
      case 'not': {
        const a = this.emit(e.arg)
        const t = this.fresh()
        this.line(`const t${t} = !(${a.v})`)
        return { v: `t${t}`, n: a.n }
      }
      case 'is_null': {
        const a = this.emit(e.arg)
        const t = this.fresh()
        this.line(`const t${t} = ${e.not ? '!' : ''}(${a.n})`)
        return { v: `t${t}`, n: 'false' }
      }
      case 'in_list': {
        const a = this.emit(e.arg)
        const set = new Set<unknown>()
        let sawNull = false
        for (const x of e.list) {
          const value = x.kind === 'const' ? x.value : x.kind === 'param' ? this.params[x.index - 1] ?? null : null
          if (value === null) sawNull = true
          else set.add(typeof value === 'boolean' ? (value ? 1 : 0) : value)
        }
        const s = this.constantOf(e, () => set)
        const t = this.fresh()
        this.line(`const f${t} = !(${a.n}) && ${s}.has(${a.v})`)
        this.line(`const n${t} = (${a.n}) || (!f${t} && ${sawNull})`)
        this.line(`const t${t} = ${e.not ? `!n${t} && !f${t}` : `f${t}`}`)
        return { v: `t${t}`, n: `n${t}` }
      }
      case 'cast': {
        const a = this.emit(e.expr)
        const t = this.fresh()
        const from = e.expr.type, to = e.type
        const expr = from.id === 'DECIMAL' && to.id === 'DECIMAL' ? `(${a.v} * ${10 ** (to.scale - from.scale)})` : widening(from, to)!(a.v)
        this.line(`const t${t} = (${a.n}) ? 0 : ${expr}`)
        if (to.id === 'DECIMAL') this.checked(`t${t}`, a.n, to)
        return { v: `t${t}`, n: a.n }
      }
      case 'call': {
        const args = e.args.map(x => this.emit(x))
        const t = this.fresh()
        const n = args.map(x => `(${x.n})`).join(' || ')
        this.line(`const n${t} = ${n}`)
        const d = decimalArithmeticOf(e.fn)
        const [l, r] = args as [Slot, Slot]
        let expr: string
        if (d !== undefined) {
          if (d.op === '*') expr = `(${l.v} * ${r.v})`
          else {
            // both operands at the result's scale, each exact before they are added
            const fl = 10 ** (d.returns.scale - d.left.scale), fr = 10 ** (d.returns.scale - d.right.scale)
            this.line(`const a${t} = n${t} ? 0 : ${l.v} * ${fl}, b${t} = n${t} ? 0 : ${r.v} * ${fr}`)
            this.checked(`a${t}`, `n${t}`, { id: 'DOUBLE' })
            this.checked(`b${t}`, `n${t}`, { id: 'DOUBLE' })
            expr = `(a${t} ${d.op} b${t})`
          }
        } else if (e.type.id === 'DOUBLE') expr = `(${e.fn.inline!([l.v, r.v])})`
        else expr = `(${l.v} ${e.fn.name} ${r.v})`
        this.line(`const t${t} = n${t} ? 0 : ${expr}`)
        if (e.type.id !== 'DOUBLE') this.checked(`t${t}`, `n${t}`, e.type)
        return { v: `t${t}`, n: `n${t}` }
      }
      case 'case': case 'subquery': throw new InternalError(`parallel kernel: ${e.kind} is not supported`)
      default: return assertNever(e, 'expression')
    }
  }
}
