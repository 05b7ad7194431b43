/**
 * Small ONNX models built in-process with onnx-proto (no downloads), and the same models
 * computed in plain JavaScript, for the onnx service's tests and the predict benchmark.
 */
import onnxProto from 'onnx-proto'

const { onnx } = onnxProto
const T = onnx.TensorProto.DataType

type Dim = number | string
function valueInfo(name: string, elem: number, dims: readonly Dim[]): object {
  return { name, type: { tensorType: { elemType: elem, shape: { dim: dims.map(d => typeof d === 'number' ? { dimValue: d } : { dimParam: d }) } } } }
}
function floats(name: string, dims: readonly number[], values: readonly number[]): object {
  return { name, dataType: T.FLOAT, dims, floatData: [...values] }
}
function node(opType: string, input: readonly string[], output: readonly string[], attribute: readonly object[] = []): object {
  return { opType, input: [...input], output: [...output], attribute: [...attribute] }
}
function encode(graph: object): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'grizzly-tests', graph })).finish()
}

/** seeded numbers in [-1, 1) */
export function weights(n: number, seed: number): number[] {
  let a = seed >>> 0
  return Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1
  })
}

/** y = x·W + b, x float32[N, k], y float32[N, 1] */
export function linearModel(w: readonly number[], b: number): Uint8Array {
  const k = w.length
  return encode({
    name: 'linear',
    node: [node('MatMul', ['x', 'W'], ['xw']), node('Add', ['xw', 'B'], ['y'])],
    initializer: [floats('W', [k, 1], w), floats('B', [1], [b])],
    input: [valueInfo('x', T.FLOAT, ['N', k])],
    output: [valueInfo('y', T.FLOAT, ['N', 1])],
  })
}
export const linear = (w: readonly number[], b: number, x: readonly number[]): number => Math.fround(x.reduce((s, v, i) => s + Math.fround(v) * Math.fround(w[i]!), 0) + Math.fround(b))

export interface Mlp { readonly w1: number[]; readonly b1: number[]; readonly w2: number[]; readonly b2: number[]; readonly k: number; readonly h: number; readonly out: number }
export function mlpWeights(k: number, h: number, out: number, seed: number): Mlp {
  return { w1: weights(k * h, seed), b1: weights(h, seed + 1), w2: weights(h * out, seed + 2), b2: weights(out, seed + 3), k, h, out }
}

/** relu(x·W1 + b1)·W2 + b2: x float32[N, k] → y float32[N, out] */
export function mlpModel(m: Mlp, batch: Dim = 'N'): Uint8Array {
  return encode({
    name: 'mlp',
    node: [node('MatMul', ['x', 'W1'], ['a']), node('Add', ['a', 'B1'], ['b']), node('Relu', ['b'], ['c']), node('MatMul', ['c', 'W2'], ['d']), node('Add', ['d', 'B2'], ['y'])],
    initializer: [floats('W1', [m.k, m.h], m.w1), floats('B1', [m.h], m.b1), floats('W2', [m.h, m.out], m.w2), floats('B2', [m.out], m.b2)],
    input: [valueInfo('x', T.FLOAT, [batch, m.k])],
    output: [valueInfo('y', T.FLOAT, [batch, m.out])],
  })
}
export function mlp(m: Mlp, x: readonly number[]): number[] {
  const hidden = Array.from({ length: m.h }, (_, j) => Math.max(0, x.reduce((s, v, i) => s + v * m.w1[i * m.h + j]!, 0) + m.b1[j]!))
  return Array.from({ length: m.out }, (_, o) => hidden.reduce((s, v, j) => s + v * m.w2[j * m.out + o]!, 0) + m.b2[o]!)
}

/** softmax(x·W + b) over `classes`: outputs label int64[N] (argmax) and probabilities float32[N, classes] */
export function classifierModel(w: readonly number[], b: readonly number[], k: number): Uint8Array {
  const classes = b.length
  return encode({
    name: 'classifier',
    node: [
      node('MatMul', ['x', 'W'], ['z0']), node('Add', ['z0', 'B'], ['z']),
      node('Softmax', ['z'], ['probabilities'], [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }]),
      node('ArgMax', ['z'], ['label'], [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }, { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]),
    ],
    initializer: [floats('W', [k, classes], w), floats('B', [classes], b)],
    input: [valueInfo('x', T.FLOAT, ['N', k])],
    output: [valueInfo('label', T.INT64, ['N']), valueInfo('probabilities', T.FLOAT, ['N', classes])],
  })
}
export function classify(w: readonly number[], b: readonly number[], x: readonly number[]): { label: number; probabilities: number[] } {
  const classes = b.length
  const z = b.map((bias, c) => x.reduce((s, v, i) => s + v * w[i * classes + c]!, 0) + bias)
  const max = Math.max(...z)
  const e = z.map(v => Math.exp(v - max))
  const sum = e.reduce((s, v) => s + v, 0)
  return { label: z.indexOf(max), probabilities: e.map(v => v / sum) }
}

/** token ids int64[N, L] (+ attention mask int64[N, L]) → table rows float32[N, L, d] */
export function embeddingModel(table: readonly number[], vocabulary: number, d: number, withMask: boolean): Uint8Array {
  return encode({
    name: 'embedding',
    node: [node('Gather', ['E', 'input_ids'], ['hidden'])],
    initializer: [floats('E', [vocabulary, d], table)],
    input: [valueInfo('input_ids', T.INT64, ['N', 'L']), ...(withMask ? [valueInfo('attention_mask', T.INT64, ['N', 'L'])] : [])],
    output: [valueInfo('hidden', T.FLOAT, ['N', 'L', d])],
  })
}
export function embedTokens(table: readonly number[], d: number, ids: readonly number[]): number[] {
  const out = new Array<number>(d).fill(0)
  for (const id of ids) for (let k = 0; k < d; k++) out[k]! += table[id * d + k]!
  return out.map(v => v / ids.length)
}

/** token ids int64[N, length] → the mean of their table rows float32[N, d] (Gather + ReduceMean: padding counts) */
export function pooledEmbeddingModel(table: readonly number[], vocabulary: number, d: number, length: number): Uint8Array {
  return encode({
    name: 'pooled',
    node: [
      node('Gather', ['E', 'input_ids'], ['hidden']),
      node('ReduceMean', ['hidden'], ['embedding'], [{ name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [1] }, { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]),
    ],
    initializer: [floats('E', [vocabulary, d], table)],
    input: [valueInfo('input_ids', T.INT64, ['N', length])],
    output: [valueInfo('embedding', T.FLOAT, ['N', d])],
  })
}

/** BERT's three inputs int64[N, L] (input_ids, attention_mask, token_type_ids) → table rows plus the type's row float32[N, L, d] */
export function bertLikeModel(table: readonly number[], types: readonly number[], vocabulary: number, d: number): Uint8Array {
  return encode({
    name: 'bert-like',
    node: [node('Gather', ['E', 'input_ids'], ['words']), node('Gather', ['T', 'token_type_ids'], ['kinds']), node('Add', ['words', 'kinds'], ['last_hidden_state'])],
    initializer: [floats('E', [vocabulary, d], table), floats('T', [types.length / d, d], types)],
    input: ['input_ids', 'attention_mask', 'token_type_ids'].map(n => valueInfo(n, T.INT64, ['N', 'L'])),
    output: [valueInfo('last_hidden_state', T.FLOAT, ['N', 'L', d])],
  })
}

/** two inputs a float32[N] and b float64[N, 2]: y float64[N, 1] = a + b0 - b1 */
export function twoInputModel(): Uint8Array {
  return encode({
    name: 'two',
    node: [
      node('Cast', ['a'], ['a64'], [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: T.DOUBLE }]),
      node('Unsqueeze', ['a64', 'axes'], ['a2']),
      node('MatMul', ['b', 'S'], ['bs']),
      node('Add', ['a2', 'bs'], ['y']),
    ],
    initializer: [{ name: 'S', dataType: T.DOUBLE, dims: [2, 1], doubleData: [1, -1] }, { name: 'axes', dataType: T.INT64, dims: [1], int64Data: [1] }],
    input: [valueInfo('a', T.FLOAT, ['N']), valueInfo('b', T.DOUBLE, ['N', 2])],
    output: [valueInfo('y', T.DOUBLE, ['N', 1])],
  })
}

/** argmax of x float32[N, k] as a string label: y string[N] ('0', '1', …) */
export function labelModel(k: number): Uint8Array {
  return encode({
    name: 'label',
    node: [
      node('ArgMax', ['x'], ['i'], [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 1 }, { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]),
      node('Cast', ['i'], ['label'], [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: T.STRING }]),
    ],
    input: [valueInfo('x', T.FLOAT, ['N', k])],
    output: [valueInfo('label', T.STRING, ['N'])],
  })
}
