/**
 * avg(INTERVAL): the parts are summed exactly (months, days, microseconds), then divided as
 * PostgreSQL's interval division does, which DuckDB's results match: the fraction of a month
 * becomes days (30 to a month), the fraction of a day becomes time (24 hours to a day).
 * avg(TIMETZ): the mean of the times brought to UTC (within one day), at offset +00, as DuckDB.
 */
import type { AggregateState } from '../../hooks/contracts.ts'
import { INTERVAL, TIMETZ, type Interval } from '../../types/types.ts'
import { encodeTimeTz, timeTzMicros, timeTzOffset } from '../../types/timetz.ts'
import { Vector } from '../../vector/vector.ts'
import { argVector, growF64, growI64, sameState } from './state-util.ts'

const DAYS_PER_MONTH = 30
const SECS_PER_DAY = 86_400

/** PostgreSQL's TSROUND: to the microsecond, so 0.3 * 30 is 9 and not 8.999… */
const tsRound = (x: number): number => Math.round(x * 1e6) / 1e6

export class IntervalAvgState implements AggregateState {
  private months = new Float64Array(16)
  private days = new Float64Array(16)
  private micros = new BigInt64Array(16)
  private n = new Float64Array(16)

  resize(groups: number): void {
    this.months = growF64(this.months, groups); this.days = growF64(this.days, groups)
    this.micros = growI64(this.micros, groups); this.n = growF64(this.n, groups)
  }

  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), m = v.validity, a = v.data as Interval[]
    for (let i = 0; i < count; i++) {
      if (m !== null && m[i] !== 1) continue
      const g = groupIds[i]!, x = a[i]!
      this.months[g]! += x.months
      this.days[g]! += x.days
      this.micros[g]! += BigInt(x.micros)
      this.n[g]!++
    }
  }

  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) {
      const s = src[i]!, d = dst[i]!
      this.months[d]! += o.months[s]!
      this.days[d]! += o.days[s]!
      this.micros[d]! += o.micros[s]!
      this.n[d]! += o.n[s]!
    }
  }

  finalize(groups: number): Vector {
    const out = new Array<Interval>(groups)
    const valid = new Uint8Array(groups)
    let nulls = false
    for (let g = 0; g < groups; g++) {
      const n = this.n[g]!
      if (n === 0) { nulls = true; out[g] = { months: 0, days: 0, micros: 0 }; continue }
      valid[g] = 1
      out[g] = divide(this.months[g]!, this.days[g]!, this.micros[g]!, n)
    }
    return new Vector(INTERVAL, groups, out, nulls ? valid : null)
  }
}

function divide(months: number, days: number, micros: bigint, n: number): Interval {
  const month = Math.trunc(months / n)
  let day = Math.trunc(days / n)
  const monthRemainderDays = tsRound((months / n - month) * DAYS_PER_MONTH)
  let secRemainder = tsRound((days / n - day + monthRemainderDays - Math.trunc(monthRemainderDays)) * SECS_PER_DAY)
  if (Math.abs(secRemainder) >= SECS_PER_DAY) {
    const whole = Math.trunc(secRemainder / SECS_PER_DAY)
    day += whole
    secRemainder -= whole * SECS_PER_DAY
  }
  day += Math.trunc(monthRemainderDays)
  // the whole microseconds divide exactly; the remainder and the carried seconds are rounded once
  const whole = micros / BigInt(n)
  const rest = Number(micros - whole * BigInt(n)) / n
  return { months: month, days: day, micros: Number(whole) + Math.round(rest + secRemainder * 1e6) }
}

const MICROS_PER_DAY = 86_400_000_000

export class TimeTzAvgState implements AggregateState {
  private sum = new BigInt64Array(16)
  private n = new Float64Array(16)

  resize(groups: number): void { this.sum = growI64(this.sum, groups); this.n = growF64(this.n, groups) }

  update(args: readonly Vector[], groupIds: Int32Array, count: number): void {
    const v = argVector(args, 0), m = v.validity, a = v.data as BigInt64Array
    for (let i = 0; i < count; i++) {
      if (m !== null && m[i] !== 1) continue
      const key = a[i]!
      const utc = timeTzMicros(key) - timeTzOffset(key) * 1_000_000
      this.sum[groupIds[i]!]! += BigInt(((utc % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY)
      this.n[groupIds[i]!]!++
    }
  }

  combine(other: AggregateState, src: Int32Array, dst: Int32Array, count: number): void {
    const o = sameState(this, other)
    for (let i = 0; i < count; i++) { this.sum[dst[i]!]! += o.sum[src[i]!]!; this.n[dst[i]!]! += o.n[src[i]!]! }
  }

  finalize(groups: number): Vector {
    const out = new BigInt64Array(groups)
    const valid = new Uint8Array(groups)
    let nulls = false
    for (let g = 0; g < groups; g++) {
      const n = this.n[g]!
      if (n === 0) { nulls = true; continue }
      valid[g] = 1
      // exact sum, mean truncated to the microsecond
      out[g] = encodeTimeTz(Number(this.sum[g]! / BigInt(n)), 0)
    }
    return new Vector(TIMETZ, groups, out, nulls ? valid : null)
  }
}
