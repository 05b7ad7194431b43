/**
 * The `onnx` capability service: ONNX models stored with CREATE MODEL, run by ONNX Runtime in
 * the host, registered while an extension granted `onnx` is loaded.
 *
 *   CREATE MODEL churn FROM 'churn.onnx';
 *   SELECT predict('churn', age, income, visits) FROM customers;         -- one argument per feature
 *   SELECT predict('churn', features) FROM customers;                    -- FLOAT[n] (or a STRUCT of numbers)
 *   SELECT predict_proba('churn', features) FROM customers;              -- the probability output
 *   SELECT embed('encoder', token_ids) FROM docs;                        -- FLOAT[d], mean-pooled over tokens
 *   SELECT embed('encoder', body) FROM docs;                             -- text, with the model's TOKENIZER
 *
 * The result type comes from the model, read when the statement is bound (the model name must
 * be a constant): one output per row of size 1 → a scalar (REAL for float32, DOUBLE, BIGINT,
 * INTEGER, BOOLEAN, VARCHAR for string labels), of fixed size k → an ARRAY[k], of free size → a
 * LIST; several outputs → a STRUCT with one field per output. Rows with a NULL input (or a NULL
 * element in an array input) give NULL and are not fed to the model. Each engine batch (up to
 * 4096 rows) is one `run`; a model whose batch dimension is fixed is run in groups of that size.
 */
import { GrizzlyError, SqlState } from '../../core/errors.ts'
import type { FunctionContext, ModelFormatDef, ModelSignature, ModelTensor, ScalarBindInfo, ScalarFunctionDef, SettingDef, StoredModel } from '../../core/hooks/contracts.ts'
import type { Hooks } from '../../core/hooks/registry.ts'
import {
  BIGINT, BOOLEAN, DOUBLE, INTEGER, REAL, VARCHAR, array, list, struct, typeToString, type LogicalType, type StructType, type Value,
} from '../../core/types/types.ts'
import type { Vector } from '../../core/vector/vector.ts'
import type { CapabilityService, ServiceValue } from '../../sandbox/services.ts'
import { sha256Hex } from '../../core/catalog/models.ts'
import { Tensor, cachedSession, type OnnxSession } from './onnx-runtime.ts'
import { packText, planText } from './onnx-text.ts'
import { InferenceThread } from './onnx-thread.ts'
import { parseVocabulary } from './wordpiece.ts'
import { booleanSetting } from '../../core/functions/settings.ts'
import { type Elem, type FeedPlan, type Packed, PackBuffers, allNull, feedableRows, newPacked, pack, spread, structOf } from './onnx-tensors.ts'

export const THREADS_SETTING = 'onnx_threads'
export const PIPELINE_SETTING = 'onnx_pipeline'

/** the ONNX model format CREATE MODEL recognises: a ModelProto starts with field 1 (ir_version) */
export const onnxModelFormat: ModelFormatDef = {
  name: 'onnx',
  extensions: ['onnx'],
  sniff: bytes => bytes.length > 8 && bytes[0] === 0x08,
  describe: (bytes, sha256) => cachedSession(sha256, bytes, 1).signature,
  // a WordPiece vocabulary (BERT's vocab.txt), so that embed() takes text
  checkTokenizer: (bytes, path) => `wordpiece, ${parseVocabulary(bytes, path).size} tokens`,
}

const threadsSetting: SettingDef = {
  name: THREADS_SETTING, type: INTEGER, default: 1,
  description: 'threads ONNX Runtime may use inside one predict / embed batch (intraOpNumThreads)',
  validate(v: Value): Value {
    const n = typeof v === 'bigint' ? Number(v) : v
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 64) {
      throw new GrizzlyError(SqlState.invalidParameterValue, `invalid value for setting "${THREADS_SETTING}": ${String(v)}`, { hint: 'use an integer from 1 to 64 (default 1)' })
    }
    return n
  },
}

const pipelineSetting: SettingDef = {
  name: PIPELINE_SETTING, type: BOOLEAN, default: true,
  description: 'run ONNX Runtime on an inference thread of its own, up to two engine chunks ahead of the query, so that scanning and packing overlap inference (false: in the query\'s thread)',
  validate: booleanSetting(PIPELINE_SETTING),
}

/** the inference thread, unless the session keeps inference in its own thread (or there is none) */
function inferenceThreadFor(ctx: FunctionContext): InferenceThread | null {
  return ctx.setting(PIPELINE_SETTING) === false ? null : InferenceThread.get()
}

type Mode = 'predict' | 'predict_proba' | 'embed'

const ELEM_TYPES: Readonly<Record<string, LogicalType>> = {
  float32: REAL, float64: DOUBLE, int64: BIGINT, int32: INTEGER, bool: BOOLEAN, string: VARCHAR,
}

function mismatch(model: string, message: string, hint: string): GrizzlyError {
  return new GrizzlyError(SqlState.datatypeMismatch, `model "${model}": ${message}`, { hint })
}

function describeTensor(t: ModelTensor): string {
  return `${t.name} ${t.type}[${t.shape.map(d => d ?? '?').join(', ')}]`
}

/** the model named by the first (constant) argument */
function modelOf(fn: string, info: ScalarBindInfo | undefined): StoredModel {
  const name = info?.constants[0]
  if (typeof name !== 'string') {
    throw new GrizzlyError(SqlState.invalidParameterValue, `the model of ${fn}() must be a constant string`, { hint: `write the model's name as a literal: ${fn}('churn', …)` })
  }
  const model = info?.ctx?.model?.(name)
  if (model === undefined) {
    throw new GrizzlyError(SqlState.undefinedObject, `model "${name}" does not exist`, { hint: "SHOW MODELS lists the stored models; CREATE MODEL name FROM 'file.onnx' adds one" })
  }
  if (model.format !== onnxModelFormat.name) {
    throw new GrizzlyError(SqlState.wrongObjectType, `model "${name}" is a ${model.format} model, not an ONNX one`, { hint: `${fn}() runs ONNX models` })
  }
  return model
}

function threadsOf(ctx: FunctionContext | undefined): number {
  const v = ctx?.setting(THREADS_SETTING)
  return typeof v === 'number' ? v : 1
}

const isPlainNumber = (t: LogicalType): boolean =>
  t.id === 'TINYINT' || t.id === 'SMALLINT' || t.id === 'INTEGER' || t.id === 'BIGINT' || t.id === 'REAL' || t.id === 'DOUBLE' || t.id === 'BOOLEAN'
const isNumberLike = (t: LogicalType): boolean => isPlainNumber(t) || t.id === 'DECIMAL' || t.id === 'NULL'

/** values per row of a model input (null when a dimension after the batch is free) */
function widthOf(t: ModelTensor): number | null {
  let w = 1
  for (const d of t.shape.slice(1)) { if (typeof d !== 'number') return null; w *= d }
  return w
}

/** the dimensions after the batch, fixed ones only (null: [rows, width] with width found per batch) */
function dimsOf(t: ModelTensor): readonly number[] | null {
  const tail = t.shape.slice(1)
  return tail.every(d => typeof d === 'number') ? tail as number[] : null
}

interface InputPlan { readonly feeds: FeedPlan[]; readonly argTypes: LogicalType[]; readonly mask: string | null; readonly batch: number | null }

/** How the call's arguments (after the model name) feed the model's inputs; the types to cast them to. */
function planInputs(model: string, inputs: readonly ModelTensor[], args: readonly LogicalType[]): InputPlan {
  const argTypes: LogicalType[] = [VARCHAR, ...args]
  const feeds: FeedPlan[] = []
  // an int64 input named like an attention mask is filled from a token list's padding
  const mask = inputs.length === 2 ? inputs.find(t => /mask/i.test(t.name) && t.type === 'int64')?.name ?? null : null
  const fed = inputs.filter(t => t.name !== mask)
  const shown = inputs.map(describeTensor).join(', ')
  if (args.length === 0) throw mismatch(model, 'no input values given', `pass the features after the model name; its inputs: ${shown}`)
  const elemOf = (t: ModelTensor): Elem => {
    if (t.type in ELEM_TYPES && t.type !== 'string') return t.type as Elem
    throw new GrizzlyError(SqlState.featureNotSupported, `model "${model}": input ${describeTensor(t)} has a type predict cannot feed`, { hint: 'inputs of type float32, float64, int64, int32 or bool are supported' })
  }
  const scalarTarget = (e: Elem): LogicalType => e === 'float32' || e === 'float64' ? DOUBLE : e === 'bool' ? BOOLEAN : BIGINT
  const one = (t: ModelTensor, at: readonly number[]): FeedPlan => {
    const elem = elemOf(t)
    const width = widthOf(t)
    if (at.length === 1) {
      const a = argTypes[at[0]!]!
      if (a.id === 'ARRAY' || a.id === 'LIST') {
        if (!isNumberLike(a.child)) throw mismatch(model, `input ${t.name} takes numbers, not ${typeToString(a)}`, `cast the list: CAST(x AS ${elem === 'int64' ? 'BIGINT' : 'FLOAT'}[])`)
        // DECIMAL and NULL elements are cast; plain numbers are converted while packing
        if (!isPlainNumber(a.child)) argTypes[at[0]!] = a.id === 'ARRAY' ? array(scalarTarget(elem), a.size) : list(scalarTarget(elem))
        if (a.id === 'ARRAY' && width !== a.size) {
          throw mismatch(model, `input ${describeTensor(t)} takes ${width ?? 'a variable number of'} values per row, not ${typeToString(a)}`, `pass ${width === null ? 'a LIST' : `a FLOAT[${width}]`} or ${width ?? 'the'} numeric arguments`)
        }
        return { input: t.name, elem, width, dims: dimsOf(t), source: a.id === 'ARRAY' ? { kind: 'array', arg: at[0]! } : { kind: 'list', arg: at[0]! } }
      }
      if (a.id === 'STRUCT') {
        if (width === null || a.fields.length !== width) throw mismatch(model, `input ${describeTensor(t)} takes ${width ?? 'a variable number of'} values per row; the STRUCT has ${a.fields.length} fields`, 'pass a STRUCT with one numeric field per feature')
        const bad = a.fields.find(f => !isPlainNumber(f.type))
        if (bad !== undefined) throw mismatch(model, `STRUCT field ${bad.name} is ${typeToString(bad.type)}, not a number`, `cast it: {'${bad.name}': CAST(… AS DOUBLE)}`)
        return { input: t.name, elem, width, dims: dimsOf(t), source: { kind: 'struct', arg: at[0]! } }
      }
    }
    if (width === null) throw mismatch(model, `input ${describeTensor(t)} takes a list per row`, 'pass one LIST (for example token ids) for it')
    if (at.length !== width) {
      throw mismatch(model, `input ${describeTensor(t)} takes ${width} value${width === 1 ? '' : 's'} per row, but ${at.length} argument${at.length === 1 ? ' was' : 's were'} given`,
        `pass ${width} numeric arguments, or one FLOAT[${width}] / STRUCT of ${width} numbers`)
    }
    for (const i of at) {
      const a = argTypes[i]!
      if (!isNumberLike(a)) throw mismatch(model, `input ${t.name} takes numbers; argument ${i + 1} is ${typeToString(a)}`, 'cast it to DOUBLE (or pass a FLOAT[n] for the whole input)')
      argTypes[i] = scalarTarget(elem)
    }
    return { input: t.name, elem, width, dims: dimsOf(t), source: { kind: 'columns', args: at } }
  }
  /** field k of the STRUCT argument for input t: a number (inputs of one value per row) or an array / list of numbers */
  const fieldFeed = (t: ModelTensor, k: number, type: LogicalType): FeedPlan => {
    const elem = elemOf(t)
    const width = widthOf(t)
    const base = { input: t.name, elem, width, dims: dimsOf(t), field: k }
    if ((type.id === 'ARRAY' || type.id === 'LIST') && isPlainNumber(type.child)) {
      if (type.id === 'ARRAY' && width !== type.size) throw mismatch(model, `input ${describeTensor(t)} takes ${width ?? 'a variable number of'} values per row, not ${typeToString(type)}`, `pass a FLOAT[${width ?? 'n'}] in field ${t.name}`)
      return { ...base, source: type.id === 'ARRAY' ? { kind: 'array', arg: 1 } : { kind: 'list', arg: 1 } }
    }
    if (isPlainNumber(type) && width === 1) return { ...base, source: { kind: 'columns', args: [1] } }
    throw mismatch(model, `field ${t.name} is ${typeToString(type)}; input ${describeTensor(t)} takes ${width === 1 ? 'a number' : 'an array of numbers'}`,
      `cast the field: {'${t.name}': CAST(… AS ${width === 1 ? 'DOUBLE' : `FLOAT[${width ?? ''}]`})}`)
  }
  const positions = args.map((_, i) => i + 1)
  if (fed.length === 1) feeds.push(one(fed[0]!, positions))
  else if (args.length === 1 && args[0]!.id === 'STRUCT') {
    // one STRUCT for several inputs: its fields feed the inputs of the same name
    const fields = args[0]!.fields
    for (const t of fed) {
      const k = fields.findIndex(f => f.name.toLowerCase() === t.name.toLowerCase())
      if (k < 0) throw mismatch(model, `the STRUCT has no field for input ${describeTensor(t)}`, `name the fields after the inputs: {${fed.map(x => `'${x.name}': …`).join(', ')}}`)
      feeds.push(fieldFeed(t, k, fields[k]!.type))
    }
  } else if (args.length === fed.length) fed.forEach((t, k) => feeds.push(one(t, [k + 1])))
  else throw mismatch(model, `the model has ${fed.length} inputs (${shown}), but ${args.length} arguments were given`, 'pass one argument per input, in order')
  if (mask !== null && !feeds.some(f => f.width === null)) throw mismatch(model, `input ${mask} looks like an attention mask, but no token list feeds the model`, 'pass the token ids as one LIST')
  const batch = typeof fed[0]!.shape[0] === 'number' ? fed[0]!.shape[0] : null
  return { feeds, argTypes, mask, batch }
}

interface OutputPlan { readonly name: string; readonly type: LogicalType; readonly per: number | null; readonly pool: boolean }

function outputType(model: string, t: ModelTensor, forceFloat: boolean): OutputPlan {
  const elem = ELEM_TYPES[t.type]
  if (elem === undefined) throw new GrizzlyError(SqlState.featureNotSupported, `model "${model}": output ${describeTensor(t)} has a type predict cannot read`, { hint: 'outputs of tensor type float32, float64, int64, int32, bool or string are supported' })
  const base = forceFloat ? REAL : elem
  const per = widthOf(t)
  if (per === null) return { name: t.name, type: list(base), per: null, pool: false }
  if (per === 1) return { name: t.name, type: base, per: 1, pool: false }
  return { name: t.name, type: array(base, per), per, pool: false }
}

function planOutputs(mode: Mode, model: string, outputs: readonly ModelTensor[]): { plans: OutputPlan[]; type: LogicalType } {
  const tensors = outputs.filter(t => t.type !== 'non-tensor')
  const shown = outputs.map(describeTensor).join(', ')
  if (mode === 'predict') {
    const plans = tensors.map(t => outputType(model, t, false))
    if (plans.length === 0) throw mismatch(model, `no tensor outputs (${shown})`, 'export the model with tensor outputs (for scikit-learn classifiers: zipmap disabled)')
    if (plans.length === 1) return { plans, type: plans[0]!.type }
    return { plans, type: struct(plans.map(p => ({ name: p.name, type: p.type }))) }
  }
  if (mode === 'predict_proba') {
    const float = tensors.filter(t => t.type === 'float32' || t.type === 'float64')
    const t = float.find(x => /prob/i.test(x.name)) ?? (float.length === 1 ? float[0] : undefined)
    if (t === undefined) throw mismatch(model, `no probability output (outputs: ${shown})`, 'predict_proba reads the float output whose name contains "prob"; use predict() for the others')
    const plan = outputType(model, t, false)
    return { plans: [plan], type: plan.type }
  }
  const t = tensors.find(x => x.type === 'float32' || x.type === 'float64')
  if (t === undefined) throw mismatch(model, `no float output to embed with (outputs: ${shown})`, 'embed() reads the first float32 / float64 output')
  // [batch, tokens, d] is mean-pooled over the (unpadded) tokens
  if (t.shape.length === 3 && typeof t.shape[2] === 'number') {
    return { plans: [{ name: t.name, type: array(REAL, t.shape[2]), per: t.shape[2], pool: true }], type: array(REAL, t.shape[2]) }
  }
  const plan = outputType(model, t, true)
  if (plan.type.id !== 'ARRAY') throw mismatch(model, `output ${describeTensor(t)} is not a fixed-size vector per row`, 'embed() needs an output of shape [batch, d] or [batch, tokens, d]')
  return { plans: [plan], type: plan.type }
}

function tensorOf(elem: Elem, data: Packed, dims: number[]): Tensor {
  return new Tensor(elem, data as Float32Array, dims)
}

function runFailure(model: string, message: string, cause?: unknown): GrizzlyError {
  return new GrizzlyError('38000', `model "${model}" failed in ONNX Runtime: ${message}`, { hint: 'SHOW MODELS lists the shapes and types its inputs take', ...(cause === undefined ? {} : { cause }) })
}

/** runs rows of packed inputs, in groups of `batch` rows when the model fixes it; outputs concatenated per name */
interface Feed { readonly name: string; readonly elem: Elem; readonly data: Packed; readonly width: number; readonly dims: readonly number[] | null }
const shapeOf = (f: Feed, rows: number): number[] => f.dims === null ? [rows, f.width] : [rows, ...f.dims]

function runAll(session: OnnxSession, feeds: readonly Feed[], m: number, batch: number | null, model: string): Map<string, { data: ArrayLike<unknown>; dims: readonly number[] }> {
  const call = (inputs: Record<string, Tensor>): Record<string, Tensor> => {
    try { return session.run(inputs) } catch (e) {
      throw runFailure(model, e instanceof Error ? e.message : String(e), e)
    }
  }
  if (batch === null || batch === m) {
    const out = call(Object.fromEntries(feeds.map(f => [f.name, tensorOf(f.elem, f.data, shapeOf(f, m))])))
    return new Map(Object.entries(out).map(([k, t]) => [k, { data: t.data as ArrayLike<unknown>, dims: t.dims }]))
  }
  const parts = new Map<string, { chunks: ArrayLike<unknown>[]; dims: readonly number[] }>()
  for (let start = 0; start < m; start += batch) {
    const rows = Math.min(batch, m - start)
    const inputs: Record<string, Tensor> = {}
    for (const f of feeds) {
      const part = newPacked(f.elem, batch * f.width)
      ;(part as Float32Array).set((f.data as Float32Array).subarray(start * f.width, (start + rows) * f.width))
      inputs[f.name] = tensorOf(f.elem, part, shapeOf(f, batch))
    }
    for (const [k, t] of Object.entries(call(inputs))) {
      const per = t.dims.slice(1).reduce((a, b) => a * b, 1)
      const entry = parts.get(k) ?? { chunks: [], dims: t.dims }
      entry.chunks.push(Array.prototype.slice.call(t.data, 0, rows * per) as unknown[])
      parts.set(k, entry)
    }
  }
  return new Map([...parts].map(([k, p]) => [k, { data: p.chunks.flatMap(c => Array.from(c)), dims: [m, ...p.dims.slice(1)] }]))
}

function meanPool(data: ArrayLike<number>, dims: readonly number[], mask: BigInt64Array | null): Float32Array {
  const [m, len, d] = [dims[0]!, dims[1]!, dims[2]!]
  const out = new Float32Array(m * d)
  for (let j = 0; j < m; j++) {
    let n = 0
    for (let t = 0; t < len; t++) {
      if (mask !== null && mask[j * len + t] === 0n) continue
      n++
      const base = (j * len + t) * d
      for (let k = 0; k < d; k++) out[j * d + k]! += data[base + k]!
    }
    if (n > 0) for (let k = 0; k < d; k++) out[j * d + k]! /= n
  }
  return out
}

function bindModelFunction(mode: Mode) {
  return (argTypes: readonly LogicalType[], info?: ScalarBindInfo) => {
    if (argTypes.length === 0) return undefined
    const model = modelOf(mode, info)
    const threads = threadsOf(info?.ctx)
    const signature = cachedSession(model.sha256, model.bytes, threads).signature
    // text, or an untyped NULL for a model that takes text
    const text = argTypes.length === 2 && (argTypes[1]!.id === 'VARCHAR' || (argTypes[1]!.id === 'NULL' && model.tokenizer != null))
    if (mode === 'embed' && text) return bindTextEmbed(model, signature)
    const inputs = planInputs(model.name, signature.inputs, argTypes.slice(1))
    const outputs = planOutputs(mode, model.name, signature.outputs)
    const returns = outputs.type
    const buffers = new PackBuffers()
    /** the batch's rows and packed inputs; null when no row can be fed (all come back NULL) */
    const prepare = (args: readonly Vector[], count: number) => {
      const rows = feedableRows(args, 1, count)
      if (rows.length === 0) return null
      let mask: BigInt64Array | null = null
      let tokens = 0
      const feeds: Feed[] = inputs.feeds.map(f => {
        const p = pack(f, args, rows, model.name, buffers)
        if (p.mask !== null) { mask = p.mask; tokens = p.width }
        return { name: f.input, elem: f.elem, data: p.data, width: p.width, dims: f.dims }
      })
      if (inputs.mask !== null) feeds.push({ name: inputs.mask, elem: 'int64', data: mask ?? new BigInt64Array(rows.length * tokens).fill(1n), width: tokens, dims: null })
      return { rows, feeds, mask: mask as BigInt64Array | null }
    }
    const finish = (results: Map<string, { data: ArrayLike<unknown>; dims: readonly number[] }>, mask: BigInt64Array | null, rows: Int32Array, count: number): Vector => {
      const vectors = outputs.plans.map(o => outputVector(o, results.get(o.name)!, mask, rows, count))
      return returns.id === 'STRUCT' && outputs.plans.length > 1 ? structOf(returns as StructType, vectors, rows, count) : vectors[0]!
    }
    /** a prepared batch run in this thread */
    const runHere = (batch: NonNullable<ReturnType<typeof prepare>>, count: number, ctx: FunctionContext): Vector =>
      finish(runAll(cachedSession(model.sha256, model.bytes, threadsOf(ctx)), batch.feeds, batch.rows.length, inputs.batch, model.name), batch.mask, batch.rows, count)
    const invoke = (args: readonly Vector[], count: number, ctx: FunctionContext): Vector => {
      const batch = prepare(args, count)
      return batch === null ? allNull(returns, count) : runHere(batch, count, ctx)
    }
    // the engine starts chunks N+1 and N+2 here before it collects chunk N: packing overlaps inference
    const start = (args: readonly Vector[], count: number, ctx: FunctionContext): (() => Vector) => {
      const thread = inferenceThreadFor(ctx)
      const batch = prepare(args, count)
      const n = batch?.rows.length ?? 0
      // no thread, nothing to feed, or a model whose fixed batch size runs in groups (runAll): here, now
      if (thread === null || batch === null || (inputs.batch !== null && inputs.batch !== n)) {
        const v = batch === null ? allNull(returns, count) : runHere(batch, count, ctx)
        return () => v
      }
      // the pack buffers are reused by the next chunk; the job copied the inputs, the mask is kept here
      const mask = batch.mask === null ? null : batch.mask.slice()
      return onThread(thread, model, threadsOf(ctx), batch.feeds, n, results => finish(results, mask, batch.rows, count))
    }
    return { argTypes: inputs.argTypes, returns, invoke, start }
  }
}

/** embed('model', text): tokenized with the model's stored vocabulary (onnx-text.ts), then run and pooled as token ids are */
function bindTextEmbed(model: StoredModel, signature: ModelSignature) {
  const plan = planText(model, signature.inputs)
  const outputs = planOutputs('embed', model.name, signature.outputs)
  const returns = outputs.type
  const o = outputs.plans[0]!
  const invoke = (args: readonly Vector[], count: number, ctx: FunctionContext): Vector => {
    const rows = feedableRows(args, 1, count)
    if (rows.length === 0) return allNull(returns, count)
    const session = cachedSession(model.sha256, model.bytes, threadsOf(ctx))
    const { feeds, mask } = packText(plan, args[1]!, rows)
    return outputVector(o, runAll(session, feeds, rows.length, plan.batch, model.name).get(o.name)!, mask, rows, count)
  }
  // tokenizing the next chunks (JavaScript, on the query's thread) overlaps inference of this one
  const start = (args: readonly Vector[], count: number, ctx: FunctionContext): (() => Vector) => {
    const thread = inferenceThreadFor(ctx)
    const rows = thread === null || plan.batch !== null ? null : feedableRows(args, 1, count)
    if (thread === null || rows === null || rows.length === 0) { const v = invoke(args, count, ctx); return () => v }
    // packText makes fresh arrays per call: nothing here is reused by the next chunk
    const { feeds, mask } = packText(plan, args[1]!, rows)
    return onThread(thread, model, threadsOf(ctx), feeds, rows.length, results => outputVector(o, results.get(o.name)!, mask, rows, count))
  }
  return { argTypes: [VARCHAR, VARCHAR], returns, invoke, start }
}

/** queues a run of `feeds` (n rows) on the inference thread; the function returned waits for it and makes the result */
function onThread(thread: InferenceThread, model: StoredModel, threads: number, feeds: readonly Feed[], n: number,
  finish: (results: Map<string, { data: ArrayLike<unknown>; dims: readonly number[] }>) => Vector): () => Vector {
  const job = thread.submit(`${model.sha256}:${threads}`, model.bytes, threads, feeds.map(f => ({ name: f.name, type: f.elem, data: f.data, dims: shapeOf(f, n) })))
  return () => {
    const r = job.collect()
    if ('error' in r) throw runFailure(model.name, r.error)
    return finish(new Map(Object.entries(r.outputs)))
  }
}

/** one output's result vector for `rows` of `count`, mean-pooled over the tokens `mask` marks when the plan says so */
function outputVector(o: OutputPlan, r: { data: ArrayLike<unknown>; dims: readonly number[] }, mask: BigInt64Array | null, rows: Int32Array, count: number): Vector {
  if (o.pool) return spread(o.type, meanPool(r.data as ArrayLike<number>, r.dims, mask), o.per!, rows, count)
  return spread(o.type, r.data, o.per ?? r.dims.slice(1).reduce((a, b) => a * b, 1), rows, count)
}

const DESCRIPTIONS: Readonly<Record<Mode, string>> = {
  predict: "runs a stored ONNX model: predict('model', feature, …) or predict('model', FLOAT[n] | STRUCT); several outputs come back as a STRUCT",
  predict_proba: "the probability output of a stored ONNX classifier: predict_proba('model', features…) → FLOAT[classes]",
  embed: "an embedding from a stored ONNX model: embed('model', text | token_ids LIST | features…) → FLOAT[d] (mean-pooled over tokens); text needs the model's TOKENIZER",
}

export function modelFunction(mode: Mode): ScalarFunctionDef {
  // 'handle': rows with NULL inputs are left out of the batch and come back NULL
  return { name: mode, description: DESCRIPTIONS[mode], nulls: 'handle', volatility: 'stable', bind: bindModelFunction(mode) }
}

/** Adds the ONNX model format, predict / predict_proba / embed and onnx_threads for `extension`; the names it added. */
export function registerOnnx(hooks: Hooks, extension: string): string[] {
  const origin = { extension }
  hooks.registerModelFormat(onnxModelFormat, origin)
  for (const mode of ['predict', 'predict_proba', 'embed'] as const) hooks.registerScalar(modelFunction(mode), origin)
  hooks.registerSetting(threadsSetting, origin)
  hooks.registerSetting(pipelineSetting, origin)
  return ['model format onnx', 'function predict', 'function predict_proba', 'function embed', `setting ${THREADS_SETTING}`, `setting ${PIPELINE_SETTING}`]
}

const FEED_TYPES: Readonly<Record<string, Elem>> = { float32: 'float32', float64: 'float64', int64: 'int64', int32: 'int32', bool: 'bool' }

function badCall(message: string): GrizzlyError {
  return new GrizzlyError(SqlState.invalidParameterValue, `onnx.run: ${message}`, {
    hint: "call services.call('onnx', 'run', modelBytes, { input: { type: 'float32', data: Float32Array, dims: [rows, n] } })",
  })
}

/**
 * For sandboxed code that ships its own model (say, in its bundle): runs `model` (ONNX bytes)
 * on `feeds` ({ name: { type, data, dims } }) and returns every output the same way. The
 * session is cached by the bytes' SHA-256 (hashed per call: ≈4 ms for 5 MB).
 */
export function runForSandbox(model: ServiceValue, feeds: ServiceValue): ServiceValue {
  if (!(model instanceof Uint8Array)) throw badCall('the model must be its ONNX bytes as a Uint8Array')
  if (feeds === null || typeof feeds !== 'object' || Array.isArray(feeds) || ArrayBuffer.isView(feeds)) throw badCall('the inputs must be an object { name: { type, data, dims } }')
  const session = cachedSession(sha256Hex(model), model, 1)
  const inputs: Record<string, Tensor> = {}
  for (const [name, feed] of Object.entries(feeds as Record<string, ServiceValue>)) {
    const f = feed as { type?: unknown; data?: unknown; dims?: unknown } | null
    const elem = typeof f?.type === 'string' ? FEED_TYPES[f.type] : undefined
    if (f === null || elem === undefined) throw badCall(`input ${name} needs a type: float32, float64, int64, int32 or bool`)
    if (!Array.isArray(f.dims) || !f.dims.every(d => Number.isInteger(d) && (d as number) >= 0)) throw badCall(`input ${name} needs dims, an array of sizes`)
    const expected = newPacked(elem, 0)
    if (!ArrayBuffer.isView(f.data) || Object.getPrototypeOf(f.data) !== Object.getPrototypeOf(expected)) throw badCall(`input ${name} of type ${elem} needs its data as a ${expected.constructor.name}`)
    const size = (f.dims as number[]).reduce((a, b) => a * b, 1)
    if ((f.data as Packed).length !== size) throw badCall(`input ${name} has ${(f.data as Packed).length} values, its dims [${(f.dims as number[]).join(', ')}] need ${size}`)
    // ONNX Runtime refuses views of a SharedArrayBuffer (the sandbox's arena): copy those
    const data = (f.data as Packed).buffer instanceof SharedArrayBuffer ? (f.data as Packed).slice() : f.data as Packed
    inputs[name] = tensorOf(elem, data, f.dims as number[])
  }
  let out: Record<string, Tensor>
  try { out = session.run(inputs) } catch (e) {
    throw new GrizzlyError('38000', `ONNX Runtime failed: ${e instanceof Error ? e.message : String(e)}`, { hint: 'check the input names, types and dims against the model', cause: e })
  }
  const result: Record<string, ServiceValue> = {}
  for (const [name, t] of Object.entries(out)) {
    const data = t.data
    if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array || data instanceof BigInt64Array || data instanceof Uint8Array)) {
      throw new GrizzlyError(SqlState.featureNotSupported, `onnx.run: output ${name} of type ${t.type} cannot cross into the sandbox`, { hint: 'numeric and bool outputs can' })
    }
    result[name] = { type: t.type, data, dims: [...t.dims] }
  }
  return result
}

export const onnxService: CapabilityService = { name: 'onnx', register: registerOnnx, methods: { run: runForSandbox } }
