/**
 * CREATE MODEL, DROP MODEL and SHOW MODELS. The bytes are read and checked here (a registered
 * model format must recognise and describe them), then kept by the catalog's ModelStore; the
 * engine itself knows no model format (extensions register them with registerModelFormat).
 */
import { GrizzlyError, SqlState } from '../errors.ts'
import { sha256Hex } from '../catalog/models.ts'
import { readRaw } from '../formats/source.ts'
import type { Hooks } from '../hooks/registry.ts'
import type { ModelFormatDef, ModelSignature, ModelTensor, ModelTokenizer, StoredModel } from '../hooks/contracts.ts'
import type { CreateModelStatement, DropStatement } from '../parser/ast.ts'
import { BIGINT, VARCHAR, list, struct, type LogicalType, type Value } from '../types/types.ts'
import type { Binder } from './binder.ts'
import type { BoundStatement } from './context.ts'

function checkWritable(b: Binder, position: number): void {
  if (b.ctx.txn.readOnly) throw new GrizzlyError(SqlState.readOnlyTransaction, 'cannot create or drop models in a read-only database', { position })
}

/** The format that recognises `bytes`: the one named by the file's ending first, then any that sniffs them. */
export function modelFormatOf(hooks: Hooks, bytes: Uint8Array, path: string): ModelFormatDef {
  const formats = hooks.allModelFormats()
  const ending = path.toLowerCase().split('.').pop() ?? ''
  const ordered = [...formats.filter(f => f.extensions.includes(ending)), ...formats.filter(f => !f.extensions.includes(ending))]
  const found = ordered.find(f => { try { return f.sniff(bytes) } catch { return false } })
  if (found !== undefined) return found
  throw new GrizzlyError(SqlState.badFileFormat, `"${path}" is not a model: no registered model format recognises it`, {
    hint: formats.length === 0 ? 'no model format is registered: LOAD EXTENSION onnx (or the extension for this format) first'
      : `registered formats: ${formats.map(f => f.name).join(', ')}; check that the file is a model of one of them`,
  })
}

/** runs `work`; a GrizzlyError it throws without a position points at the statement */
function at<T>(position: number, work: () => T): T {
  try { return work() } catch (e) { throw e instanceof GrizzlyError ? e.withPosition(position) : e }
}

/** the TOKENIZER file of CREATE MODEL, checked by the model's format (which alone knows what it holds) */
function readTokenizer(format: ModelFormatDef, path: string, position: number): ModelTokenizer {
  const check = format.checkTokenizer
  if (check === undefined) {
    throw new GrizzlyError(SqlState.featureNotSupported, `${format.name} models take no tokenizer`, { position, hint: 'drop the (TOKENIZER …) option' })
  }
  const bytes = at(position, () => readRaw(path))
  const what = at(position, () => check.call(format, bytes, path))
  const tokenizer: ModelTokenizer = { bytes, sha256: sha256Hex(bytes) }
  described.set(tokenizer, what)
  return tokenizer
}

/** what the format said a stored tokenizer holds (its vocabulary size…), so SHOW MODELS does not parse it again */
const described = new WeakMap<ModelTokenizer, string>()

export function bindCreateModel(b: Binder, stmt: CreateModelStatement): BoundStatement {
  checkWritable(b, stmt.pos)
  const { catalog, txn, hooks } = b.ctx
  return {
    kind: 'command', tag: 'CREATE MODEL',
    run: () => {
      // IF NOT EXISTS with the name taken does not read the file at all
      if (!stmt.orReplace && stmt.ifNotExists && catalog.models.get(txn, stmt.name) !== undefined) return
      const bytes = at(stmt.pos, () => readRaw(stmt.path))
      const format = modelFormatOf(hooks, bytes, stmt.path)
      const sha256 = sha256Hex(bytes)
      // describing parses the whole model: a damaged file is refused now, not at the first predict
      try {
        format.describe(bytes, sha256)
      } catch (e) {
        const hint = (e instanceof GrizzlyError ? e.hint : undefined) ?? `check that the file is a complete ${format.name} model (export it again)`
        throw new GrizzlyError(e instanceof GrizzlyError ? e.code : SqlState.badFileFormat,
          `"${stmt.path}" is not a valid ${format.name} model: ${e instanceof Error ? e.message : String(e)}`, { position: stmt.pos, hint, cause: e })
      }
      const { signedBy } = b.ctx.extensionHost?.checkModel?.(stmt.path, sha256) ?? { signedBy: null }
      const tokenizer = stmt.tokenizer === null ? null : readTokenizer(format, stmt.tokenizer, stmt.pos)
      const model: StoredModel = { name: stmt.name, format: format.name, sha256, bytes, signedBy, tokenizer }
      catalog.models.create(txn, model, { orReplace: stmt.orReplace, ifNotExists: stmt.ifNotExists })
    },
  }
}

export function bindDropModel(b: Binder, stmt: DropStatement): BoundStatement {
  checkWritable(b, stmt.pos)
  const { catalog, txn } = b.ctx
  return {
    kind: 'command', tag: 'DROP MODEL',
    run: () => { for (const n of stmt.names) catalog.models.drop(txn, n[n.length - 1]!, stmt.ifExists, stmt.pos) },
  }
}

const TENSOR: LogicalType = struct([{ name: 'name', type: VARCHAR }, { name: 'type', type: VARCHAR }, { name: 'shape', type: list(VARCHAR) }])
export const SHOW_MODELS_NAMES = ['name', 'format', 'sha256', 'size', 'inputs', 'outputs', 'signed_by', 'tokenizer']
export const SHOW_MODELS_TYPES: readonly LogicalType[] = [VARCHAR, VARCHAR, VARCHAR, BIGINT, list(TENSOR), list(TENSOR), VARCHAR, VARCHAR]

function tensorValue(t: ModelTensor): Value {
  return { name: t.name, type: t.type, shape: t.shape.map(d => d === null ? '?' : String(d)) }
}

/** SHOW MODELS' rows: one per model; inputs / outputs are NULL while no loaded format describes it. */
export function showModelRows(b: Binder): Value[][] {
  const { catalog, hooks, txn } = b.ctx
  return catalog.models.list(txn).map((m): Value[] => {
    let signature: ModelSignature | null = null
    try { signature = hooks.modelFormat(m.format)?.describe(m.bytes, m.sha256) ?? null } catch { signature = null }
    return [m.name, m.format, m.sha256, BigInt(m.bytes.length),
      signature === null ? null : signature.inputs.map(tensorValue), signature === null ? null : signature.outputs.map(tensorValue), m.signedBy ?? null, tokenizerText(hooks.modelFormat(m.format), m.tokenizer ?? null)]
  })
}

/** SHOW MODELS' tokenizer column: what the format says the file holds, and the file's SHA-256 */
function tokenizerText(format: ModelFormatDef | undefined, t: ModelTokenizer | null): string | null {
  if (t === null) return null
  let what = described.get(t)
  if (what === undefined) {
    // a model read back from a file: described once, while its format is loaded
    try { if (format?.checkTokenizer !== undefined) described.set(t, what = format.checkTokenizer(t.bytes, 'tokenizer')) } catch { /* described by size alone */ }
  }
  return `${what ?? `${t.bytes.length} bytes`}, sha256 ${t.sha256}`
}
