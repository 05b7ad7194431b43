/**
 * Variance family: var_samp/variance, var_pop, stddev_samp/stddev, stddev_pop, plus corr and
 * covariances. One pass with Welford's update; partial states merge with Chan's formula, so
 * parallel and windowed use give the same answer.
 */
import type { AggregateState } from '../../hooks/contracts.ts'
import type { Hooks } from '../../hooks/registry.ts'
import { DOUBLE } from '../../types/types.ts'
import { Vector } from '../../vector/vector.ts'
import { argVector, growF64, sameState } from './state-util.ts'
import { outOfRange } from '../kernel-util.ts'

type Finish = 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop'

class WelfordState implements AggregateState {
  private n = new Float64Array(16)
  private mean = new Float64Array(16)
  private m2 = new Float64Array(16)
  constructor(private readonly finish: Finish) {}
  resize(groups: number): void {
    this.n = growF64(this.n, groups); this.mean = growF64(this.mean, groups); this.m2 = growF64(this.m2, groups)
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), a = v.data as Float64Array, m = v.validity
    const n = this.n, mean = this.mean, m2 = this.m2
    for (let i = 0; i < count; i++) {
      if (m !== null && m[i] === 0) continue
      const g = groupIds[i]!, x = a[i]!
      const k = n[g]! + 1
      const d = x - mean[g]!
      n[g] = k
      mean[g]! += d / k
      m2[g]! += d * (x - mean[g]!)
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const s = src[i]!, d = dst[i]!
      const nb = o.n[s]!
      if (nb === 0) continue
      const na = this.n[d]!
      const total = na + nb
      const delta = o.mean[s]! - this.mean[d]!
      this.mean[d] = this.mean[d]! + delta * nb / total
      this.m2[d] = this.m2[d]! + o.m2[s]! + delta * delta * na * nb / total
      this.n[d] = total
    }
  }
  finalize(groups: number): Vector {
    const out = new Float64Array(groups)
    const valid = new Uint8Array(groups)
    let nulls = false
    const sample = this.finish === 'var_samp' || this.finish === 'stddev_samp'
    const root = this.finish === 'stddev_samp' || this.finish === 'stddev_pop'
    for (let g = 0; g < groups; g++) {
      const n = this.n[g]!
      if (n === 0 || (sample && n < 2)) { nulls = true; continue }
      let v = this.m2[g]! / (sample ? n - 1 : n)
      if (v < 0) v = 0
      if (!Number.isFinite(v)) throw outOfRange(`${this.finish.toUpperCase()} is out of range`, 'the values are too large to square in DOUBLE')
      out[g] = root ? Math.sqrt(v) : v
      valid[g] = 1
    }
    return new Vector(DOUBLE, groups, out, nulls ? valid : null)
  }
}

type CoFinish = 'covar_pop' | 'covar_samp' | 'corr'

/**
 * Running means and co-moments of (y, x) pairs (Welford), merged with the bivariate form of
 * Chan's formula. covar/corr and the regr_* family differ only in how they finish.
 */
export abstract class BivariateMoments implements AggregateState {
  protected n = new Float64Array(16)
  protected mx = new Float64Array(16)
  protected my = new Float64Array(16)
  protected cxy = new Float64Array(16)
  protected m2x = new Float64Array(16)
  protected m2y = new Float64Array(16)
  resize(groups: number): void {
    this.n = growF64(this.n, groups); this.mx = growF64(this.mx, groups); this.my = growF64(this.my, groups)
    this.cxy = growF64(this.cxy, groups); this.m2x = growF64(this.m2x, groups); this.m2y = growF64(this.m2y, groups)
  }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const yv = argVector(args, 0), xv = argVector(args, 1)
    const ya = yv.data as Float64Array, xa = xv.data as Float64Array
    for (let i = 0; i < count; i++) {
      if ((yv.validity !== null && yv.validity[i] === 0) || (xv.validity !== null && xv.validity[i] === 0)) continue
      const g = groupIds[i]!, x = xa[i]!, y = ya[i]!
      const k = this.n[g]! + 1
      const dx = x - this.mx[g]!, dy = y - this.my[g]!
      this.n[g] = k
      this.mx[g]! += dx / k
      this.my[g]! += dy / k
      this.cxy[g]! += dx * (y - this.my[g]!)
      this.m2x[g]! += dx * (x - this.mx[g]!)
      this.m2y[g]! += dy * (y - this.my[g]!)
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const s = src[i]!, d = dst[i]!
      const nb = o.n[s]!
      if (nb === 0) continue
      const na = this.n[d]!, total = na + nb
      const dx = o.mx[s]! - this.mx[d]!, dy = o.my[s]! - this.my[d]!
      this.cxy[d] = this.cxy[d]! + o.cxy[s]! + dx * dy * na * nb / total
      this.m2x[d] = this.m2x[d]! + o.m2x[s]! + dx * dx * na * nb / total
      this.m2y[d] = this.m2y[d]! + o.m2y[s]! + dy * dy * na * nb / total
      this.mx[d] = this.mx[d]! + dx * nb / total
      this.my[d] = this.my[d]! + dy * nb / total
      this.n[d] = total
    }
  }
  abstract finalize(groups: number): Vector
}

/** covar_pop, covar_samp and corr. */
class CoMomentState extends BivariateMoments {
  constructor(private readonly finish: CoFinish) { super() }
  finalize(groups: number): Vector {
    const out = new Float64Array(groups)
    const valid = new Uint8Array(groups)
    let nulls = false
    for (let g = 0; g < groups; g++) {
      const n = this.n[g]!
      let r: number
      if (this.finish === 'covar_pop') r = n === 0 ? NaN : this.cxy[g]! / n
      else if (this.finish === 'covar_samp') r = n < 2 ? NaN : this.cxy[g]! / (n - 1)
      else r = n === 0 ? NaN : this.cxy[g]! / Math.sqrt(this.m2x[g]! * this.m2y[g]!)
      if (Number.isNaN(r) && (n === 0 || (this.finish === 'covar_samp' && n < 2))) { nulls = true; continue }
      if (!Number.isFinite(this.cxy[g]!) || !Number.isFinite(this.m2x[g]!) || !Number.isFinite(this.m2y[g]!)) {
        throw outOfRange(`${this.finish.toUpperCase()} is out of range`, 'the values are too large to multiply in DOUBLE')
      }
      out[g] = r
      valid[g] = 1
    }
    return new Vector(DOUBLE, groups, out, nulls ? valid : null)
  }
}

/** geomean: exp of the mean of the logarithms. */
class GeoMeanState implements AggregateState {
  private logs = new Float64Array(16)
  private n = new Float64Array(16)
  resize(groups: number): void { this.logs = growF64(this.logs, groups); this.n = growF64(this.n, groups) }
  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), a = v.data as Float64Array, m = v.validity
    for (let i = 0; i < count; i++) {
      if (m !== null && m[i] === 0) continue
      const g = groupIds[i]!
      this.logs[g]! += Math.log(a[i]!)
      this.n[g]!++
    }
  }
  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) { this.logs[dst[i]!]! += o.logs[src[i]!]!; this.n[dst[i]!]! += o.n[src[i]!]! }
  }
  finalize(groups: number): Vector {
    const out = new Float64Array(groups)
    const valid = new Uint8Array(groups)
    let nulls = false
    for (let g = 0; g < groups; g++) {
      if (this.n[g] === 0) { nulls = true; continue }
      out[g] = Math.exp(this.logs[g]! / this.n[g]!)
      valid[g] = 1
    }
    return new Vector(DOUBLE, groups, out, nulls ? valid : null)
  }
}

export function registerStatsAggregates(hooks: Hooks): void {
  hooks.registerAggregate({
    name: 'geomean', aliases: ['geometric_mean'], nulls: 'skip', description: 'geometric mean',
    overloads: [{ args: [DOUBLE], returns: DOUBLE, createState: () => new GeoMeanState() }],
  })
  const defs: [string, string[], Finish][] = [
    ['var_samp', ['variance'], 'var_samp'],
    ['var_pop', [], 'var_pop'],
    ['stddev_samp', ['stddev'], 'stddev_samp'],
    ['stddev_pop', [], 'stddev_pop'],
  ]
  for (const [name, aliases, finish] of defs) {
    hooks.registerAggregate({
      name, aliases, nulls: 'skip',
      overloads: [{ args: [DOUBLE], returns: DOUBLE, createState: () => new WelfordState(finish) }],
    })
  }
  for (const finish of ['covar_pop', 'covar_samp', 'corr'] as const) {
    hooks.registerAggregate({
      name: finish, nulls: 'skip',
      overloads: [{ args: [DOUBLE, DOUBLE], returns: DOUBLE, createState: () => new CoMomentState(finish) }],
    })
  }
}
