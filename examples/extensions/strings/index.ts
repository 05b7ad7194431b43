/**
 * A small example extension: rot13 over VARCHAR, a logistic function over DOUBLE and a
 * geometric-mean aggregate. Written only against the SDK; runs inside the sandbox.
 */
import { defineExtension, isValid, readString, varcharColumn } from 'grizzly-db/sdk'
import type { Column, StringColumn } from 'grizzly-db/sdk'

function rot13(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 65 && c <= 90) out += String.fromCharCode(((c - 65 + 13) % 26) + 65)
    else if (c >= 97 && c <= 122) out += String.fromCharCode(((c - 97 + 13) % 26) + 97)
    else out += s[i]
  }
  return out
}

interface GeomeanState { logSum: number; count: number; sawNonPositive: boolean }

export default defineExtension({
  name: 'strings',
  version: '1.0.0',
  scalars: [
    {
      name: 'rot13', args: ['VARCHAR'], returns: 'VARCHAR', volatility: 'immutable',
      invoke(args: readonly Column[], n: number): Column {
        const input = args[0]!
        const text = input.values as StringColumn
        const out: (string | null)[] = new Array(n)
        for (let i = 0; i < n; i++) out[i] = isValid(input, i) ? rot13(readString(text, i)) : null
        return varcharColumn(out)
      },
    },
    {
      // a tight loop over the typed array; NULL rows keep whatever they hold and stay NULL
      name: 'sigmoid', args: ['DOUBLE'], returns: 'DOUBLE', volatility: 'immutable',
      invoke(args: readonly Column[], n: number): Column {
        const x = args[0]!
        const v = x.values as Float64Array
        const out = new Float64Array(n)
        for (let i = 0; i < n; i++) out[i] = 1 / (1 + Math.exp(-v[i]!))
        return { type: 'DOUBLE', length: n, values: out, validity: x.validity }
      },
    },
  ],
  aggregates: [
    {
      // exp(mean(ln x)); NULLs are skipped; any value <= 0 makes the result NULL, like PostgreSQL's
      // log() refusing it, rather than an error mid-query
      name: 'geomean', args: ['DOUBLE'], returns: 'DOUBLE',
      init: (): GeomeanState => ({ logSum: 0, count: 0, sawNonPositive: false }),
      update(state: unknown, args: readonly Column[], row: number): GeomeanState {
        const s = state as GeomeanState
        const x = args[0]!
        if (!isValid(x, row)) return s
        const v = (x.values as Float64Array)[row]!
        if (v <= 0) s.sawNonPositive = true
        else { s.logSum += Math.log(v); s.count++ }
        return s
      },
      combine(a: unknown, b: unknown): GeomeanState {
        const x = a as GeomeanState, y = b as GeomeanState
        return { logSum: x.logSum + y.logSum, count: x.count + y.count, sawNonPositive: x.sawNonPositive || y.sawNonPositive }
      },
      finalize(state: unknown): number | null {
        const s = state as GeomeanState
        return s.count === 0 || s.sawNonPositive ? null : Math.exp(s.logSum / s.count)
      },
    },
  ],
})
