/**
 * embed('model', text): a VARCHAR tokenized with the WordPiece vocabulary stored with the model
 * (CREATE MODEL … (TOKENIZER 'vocab.txt')) into the model's token-id input. A fixed sequence
 * length (input shape [batch, L]) pads every row to L with [PAD] and truncates to it; a free one
 * pads to the longest row of the batch, truncating at 512 tokens. An input named like `mask`
 * gets 1 for real tokens and 0 for padding, one named like `type` (token_type_ids) zeros.
 */
import { GrizzlyError, SqlState } from '../../core/errors.ts'
import type { ModelTensor, StoredModel } from '../../core/hooks/contracts.ts'
import type { Vector } from '../../core/vector/vector.ts'
import { getValue } from '../../core/vector/vector.ts'
import type { Elem, Packed } from './onnx-tensors.ts'
import { cachedVocabulary, type WordPiece } from './wordpiece.ts'

/** the longest token sequence fed to a model whose sequence length is free */
export const MAX_FREE_TOKENS = 512

type Role = 'ids' | 'mask' | 'types'
interface TextInput { readonly name: string; readonly elem: 'int64' | 'int32'; readonly role: Role }
export interface TextPlan { readonly vocabulary: WordPiece; readonly inputs: readonly TextInput[]; readonly length: number | null; readonly batch: number | null }
export interface TextFeed { readonly name: string; readonly elem: Elem; readonly data: Packed; readonly width: number; readonly dims: null }

/** How a model with a stored tokenizer takes text; a clear error for a model without one, or with inputs text cannot fill. */
export function planText(model: StoredModel, inputs: readonly ModelTensor[]): TextPlan {
  if (model.tokenizer === undefined || model.tokenizer === null) {
    throw new GrizzlyError(SqlState.datatypeMismatch, `model "${model.name}" has no tokenizer to turn text into token ids`, {
      hint: `store its vocabulary with it: CREATE OR REPLACE MODEL ${model.name} FROM 'model.onnx' (TOKENIZER 'vocab.txt'), or pass token ids as a LIST of integers`,
    })
  }
  const vocabulary = cachedVocabulary(model.tokenizer.sha256, model.tokenizer.bytes)
  const roleOf = (t: ModelTensor): Role => inputs.length === 1 ? 'ids' : /mask/i.test(t.name) ? 'mask' : /type/i.test(t.name) ? 'types' : 'ids'
  const planned = inputs.map((t): TextInput => {
    if ((t.type !== 'int64' && t.type !== 'int32') || t.shape.length !== 2) {
      throw new GrizzlyError(SqlState.featureNotSupported, `model "${model.name}": input ${t.name} ${t.type}[${t.shape.map(d => d ?? '?').join(', ')}] cannot be filled from text`, {
        hint: 'embed() over text feeds models whose inputs are token ids (and optionally attention_mask, token_type_ids), each int64[batch, tokens]',
      })
    }
    return { name: t.name, elem: t.type, role: roleOf(t) }
  })
  const ids = planned.filter(p => p.role === 'ids')
  if (ids.length !== 1) {
    throw new GrizzlyError(SqlState.featureNotSupported, `model "${model.name}": no single token-id input among ${inputs.map(t => t.name).join(', ')}`, {
      hint: "name the inputs input_ids (and attention_mask, token_type_ids) as BERT's are",
    })
  }
  const idsTensor = inputs[planned.indexOf(ids[0]!)]!
  const length = typeof idsTensor.shape[1] === 'number' ? idsTensor.shape[1] : null
  const batch = typeof idsTensor.shape[0] === 'number' ? idsTensor.shape[0] : null
  return { vocabulary, inputs: planned, length, batch }
}

/** The input arrays for the non-NULL `rows` of a VARCHAR vector; `mask` marks real tokens (for pooling). */
export function packText(plan: TextPlan, text: Vector, rows: Int32Array): { feeds: TextFeed[]; mask: BigInt64Array } {
  const max = plan.length ?? MAX_FREE_TOKENS
  const encoded = Array.from(rows, r => plan.vocabulary.encode(getValue(text, r) as string, max))
  const width = plan.length ?? Math.max(1, ...encoded.map(e => e.length))
  const m = rows.length
  const mask = new BigInt64Array(m * width)
  const ids = new Array<number>(m * width).fill(plan.vocabulary.pad)
  encoded.forEach((e, j) => e.forEach((id, t) => { ids[j * width + t] = id; mask[j * width + t] = 1n }))
  const feeds = plan.inputs.map((input): TextFeed => {
    const wide = input.elem === 'int64'
    let data: Packed
    if (input.role === 'mask') data = wide ? mask : Int32Array.from(mask, Number)
    else if (input.role === 'types') data = wide ? new BigInt64Array(m * width) : new Int32Array(m * width)
    else data = wide ? BigInt64Array.from(ids, BigInt) : Int32Array.from(ids)
    return { name: input.name, elem: input.elem, data, width, dims: null }
  })
  return { feeds, mask }
}
