/**
 * The onnx extension. Inference itself is the host's `onnx` capability service: when the
 * policy grants this extension `onnx`, loading it registers the ONNX model format and
 * predict / predict_proba / embed (see README.md). The functions defined here run in the
 * sandbox and build on predictions:
 *
 *   anomaly_score(x, mean, stddev)  |x − mean| / stddev, the absolute z-score (NULL when stddev ≤ 0)
 *   forecast(history, steps)        the least-squares line through history (x = 0 … n−1), at x = n − 1 + steps
 */
import { defineExtension, doubleColumn } from 'grizzly-db/sdk'

export default defineExtension({
  name: 'onnx',
  version: '1.0.0',
  scalars: [
    {
      name: 'anomaly_score', args: ['DOUBLE', 'DOUBLE', 'DOUBLE'], returns: 'DOUBLE',
      invoke([x, mean, stddev], n) {
        const v = x!.values as Float64Array, m = mean!.values as Float64Array, s = stddev!.values as Float64Array
        const out = new Float64Array(n)
        let validity: Uint8Array | null = null
        for (let i = 0; i < n; i++) {
          const sd = s[i]!
          // no spread, no score: a z-score needs a positive standard deviation
          if (!(sd > 0)) { (validity ??= new Uint8Array(n).fill(1))[i] = 0; continue }
          out[i] = Math.abs(v[i]! - m[i]!) / sd
        }
        return doubleColumn(out, validity)
      },
    },
    {
      name: 'forecast', args: ['DOUBLE[]', 'INTEGER'], returns: 'DOUBLE',
      invoke([history, steps], n) {
        const values = history!.values as Float64Array, offsets = history!.offsets!, elements = history!.elementValidity ?? null
        const ahead = steps!.values as Int32Array
        const out = new Float64Array(n)
        let validity: Uint8Array | null = null
        for (let i = 0; i < n; i++) {
          const from = offsets[i]!, count = offsets[i + 1]! - from
          let sx = 0, sy = 0, sxx = 0, sxy = 0, nulls = false
          for (let t = 0; t < count; t++) {
            if (elements !== null && elements[from + t] === 0) { nulls = true; break }
            const y = values[from + t]!
            sx += t; sy += y; sxx += t * t; sxy += t * y
          }
          // an empty history or a NULL inside it gives no forecast
          if (count === 0 || nulls) { (validity ??= new Uint8Array(n).fill(1))[i] = 0; continue }
          const denominator = count * sxx - sx * sx
          const slope = denominator === 0 ? 0 : (count * sxy - sx * sy) / denominator
          const intercept = (sy - slope * sx) / count
          out[i] = intercept + slope * (count - 1 + ahead[i]!)
        }
        return doubleColumn(out, validity)
      },
    },
  ],
})
