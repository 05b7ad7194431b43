/**
 * embed('model', text) with a WordPiece vocabulary stored by CREATE MODEL … (TOKENIZER 'vocab.txt'):
 * checked against a plain JavaScript tokenizer and the same embedding computed in JavaScript, for
 * a model that mean-pools itself at a fixed sequence length and one whose per-token output is
 * pooled over its attention mask; the vocabulary persisted in a database file; the embeddings
 * indexed with HNSW; and every bad input.
 */
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fails } from '../expect-error.ts'
import { Database } from '../../core/database.ts'
import { SqlState } from '../../core/errors.ts'
import { registerOnnx } from '../../host/services/onnx.ts'
import { bertLikeModel, embedTokens, embeddingModel, linearModel, pooledEmbeddingModel, weights } from '../../bench/onnx-models.ts'
import { buildVectorPlugin, openWithVector } from '../../bench/vector-plugin.ts'
import { cleanup, tempRoot } from '../extensions/helpers.ts'

const dir = tempRoot('grizzly-onnx-text-')
after(() => cleanup(dir))

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'the', 'cat', 'dog', 'sat', 'on', 'mat', 'play', '##ing', '##ed', 'run', '##s', '.', ',', '!',
  'fish', 'swim', 'a', 'bird', 'fly', 'quick', 'brown', 'fox', 'jump', 'cafe', 'over', 'lazy', "'", 'un', '##know', '##n']
const D = 6
const TABLE = weights(VOCAB.length * D, 11)

/** the reference: lower-case, words and single punctuation marks, accents dropped, greedy longest-match pieces */
function referenceIds(text: string, max: number): number[] {
  const words = text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').match(/[a-z0-9]+|[^\sa-z0-9]/g) ?? []
  const ids: number[] = []
  for (const w of words) {
    const pieces: number[] = []
    let start = 0
    while (start < w.length) {
      let end = w.length
      while (end > start && !VOCAB.includes((start > 0 ? '##' : '') + w.slice(start, end))) end--
      if (end === start) { pieces.length = 0; pieces.push(1); break }
      pieces.push(VOCAB.indexOf((start > 0 ? '##' : '') + w.slice(start, end)))
      start = end
    }
    ids.push(...pieces)
  }
  return [2, ...ids.slice(0, max - 2), 3]
}

const WORDS = ['The', 'cat', 'dog', 'sat', 'on', 'the', 'mat.', 'playing', 'played', 'runs', 'Fish', 'swim!', 'a', 'bird', 'flies', 'quick,', 'brown', 'fox', 'jumped', 'over', 'lazy', 'Café', "dog's", 'unknown', 'zebra']
function sentences(n: number, seed: number): string[] {
  const w = weights(n * 13, seed)
  return Array.from({ length: n }, (_, i) => {
    const len = 1 + Math.floor((w[i * 13]! + 1) * 6)
    return Array.from({ length: len }, (_, k) => WORDS[Math.floor((w[i * 13 + k + 1]! + 1) / 2 * WORDS.length)]!).join(i % 7 === 3 ? '  \t' : ' ')
  })
}

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`)
const vocabPath = file('vocab.txt', VOCAB.join('\n') + '\n')

async function open(path?: string): Promise<Database> {
  const db = await Database.open(path)
  registerOnnx(db.hooks, 'onnx')
  return db
}

async function docs(db: Database, texts: readonly (string | null)[]): Promise<void> {
  await db.exec('CREATE TABLE docs (id INTEGER, body VARCHAR)')
  for (let i = 0; i < texts.length; i += 1000) {
    await db.query(`INSERT INTO docs VALUES ${texts.slice(i, i + 1000).map((_, k) => `(${i + k}, $${k + 1})`).join(', ')}`, texts.slice(i, i + 1000))
  }
}

test('the tokenizer: BERT basic splitting and greedy WordPiece agree with the reference', async () => {
  const { parseVocabulary } = await import('../../host/services/wordpiece.ts')
  const wp = parseVocabulary(new TextEncoder().encode(VOCAB.join('\n')), 'vocab.txt')
  assert.deepEqual(wp.tokens("The Café's dog, PLAYING!"), ['the', 'cafe', "'", '[UNK]', 'dog', ',', 'play', '##ing', '!'])
  assert.deepEqual(wp.tokens('unknown zebra'), ['un', '##know', '##n', '[UNK]'])
  // Unicode: no-break space splits, '。' is punctuation, a zero-width space is dropped, an ideograph stands alone, accents go
  assert.deepEqual(wp.tokens('Dog\u00a0cat\u3002fish\u200bswim \u732bdog \u00dcnknown'), ['dog', 'cat', '[UNK]', '[UNK]', '[UNK]', 'dog', 'un', '##know', '##n'])
  assert.deepEqual(wp.tokens('x'.repeat(101)), ['[UNK]'])
  for (const s of sentences(300, 5)) assert.deepEqual(wp.encode(s, 512), referenceIds(s, 512), s)
  assert.deepEqual(wp.encode('the cat sat on the mat', 5), [2, 4, 5, 7, 3])
})

test('embed(text): a per-token model pooled over its attention mask equals JavaScript; NULL gives NULL', async () => {
  const db = await open()
  await db.exec(`CREATE MODEL enc FROM '${file('enc.onnx', embeddingModel(TABLE, VOCAB.length, D, true))}' (TOKENIZER '${vocabPath}')`)
  const texts: (string | null)[] = sentences(6000, 9)
  texts[17] = null
  texts[4500] = ''
  await docs(db, texts)
  assert.equal((await db.query("SELECT typeof(embed('enc', body)) FROM docs LIMIT 1")).rows[0]![0], `FLOAT[${D}]`)
  const got = (await db.query("SELECT embed('enc', body) FROM docs ORDER BY id")).rows.map(r => r[0] as number[] | null)
  texts.forEach((t, i) => {
    if (t === null) { assert.equal(got[i], null); return }
    embedTokens(TABLE, D, referenceIds(t, 512)).forEach((v, k) => close(got[i]![k]!, v, `row ${i}[${k}]`))
  })
  // a text longer than 512 tokens is cut to [CLS] + 510 pieces + [SEP]
  const long = Array.from({ length: 700 }, (_, i) => WORDS[i % WORDS.length]).join(' ')
  const one = (await db.query("SELECT embed('enc', $1)", [long])).rows[0]![0] as number[]
  embedTokens(TABLE, D, referenceIds(long, 512)).forEach((v, k) => close(one[k]!, v, `long [${k}]`))
  // token ids still work for the same model
  const ids = (await db.query("SELECT embed('enc', [2, 5, 3]::BIGINT[])")).rows[0]![0] as number[]
  embedTokens(TABLE, D, [2, 5, 3]).forEach((v, k) => close(ids[k]!, v, 'ids'))
  await db.close()
})

test('embed(text): a fixed sequence length pads with [PAD] and truncates; the model pools itself (ReduceMean)', async () => {
  const db = await open()
  const L = 8
  await db.exec(`CREATE MODEL pooled FROM '${file('pooled.onnx', pooledEmbeddingModel(TABLE, VOCAB.length, D, L))}' (TOKENIZER '${vocabPath}')`)
  const texts = ['the cat', 'the quick brown fox jumped over the lazy dog', 'zebra', 'cafe cafe cafe cafe cafe cafe cafe cafe cafe']
  const got = (await db.query(`SELECT embed('pooled', t) FROM (VALUES ${texts.map(t => `('${t}')`).join(', ')}) v(t)`)).rows.map(r => r[0] as number[])
  texts.forEach((t, i) => {
    const ids = referenceIds(t, L)
    const padded = [...ids, ...new Array<number>(L - ids.length).fill(0)]
    assert.equal(padded.length, L)
    embedTokens(TABLE, D, padded).forEach((v, k) => close(got[i]![k]!, v, `${t} [${k}]`))
  })
  await db.close()
})

test("embed(text): a model with BERT's inputs gets ids, the attention mask and zero token types", async () => {
  const db = await open()
  const types = weights(2 * D, 4)
  await db.exec(`CREATE MODEL bert FROM '${file('bert.onnx', bertLikeModel(TABLE, types, VOCAB.length, D))}' (TOKENIZER '${vocabPath}')`)
  const texts = ['the cat sat on the mat.', 'fish', 'a quick brown fox jumped over the lazy dog!']
  const got = (await db.query(`SELECT embed('bert', t) FROM (VALUES ${texts.map((t, i) => `(${i}, '${t}')`).join(', ')}) v(i, t) ORDER BY i`)).rows.map(r => r[0] as number[])
  texts.forEach((t, i) => embedTokens(TABLE, D, referenceIds(t, 512)).forEach((v, k) => close(got[i]![k]!, v + types[k]!, `${t} [${k}]`)))
  await db.close()
})

test('the vocabulary is stored with the model: SHOW MODELS, a database file, integrity_check', async () => {
  const path = join(dir, 'text.grz')
  let db = await open(path)
  await db.exec(`CREATE MODEL enc FROM '${file('enc2.onnx', embeddingModel(TABLE, VOCAB.length, D, true))}' (TOKENIZER '${vocabPath}')`)
  const show = (await db.query('SHOW MODELS')).toObjects()[0]!
  assert.match(show['tokenizer'] as string, new RegExp(`^wordpiece, ${VOCAB.length} tokens, sha256 [0-9a-f]{64}$`))
  const before = (await db.query("SELECT embed('enc', 'the cat sat on the mat')")).rows[0]![0]
  await db.close()
  db = await open(path)
  assert.equal((await db.query('SHOW MODELS')).toObjects()[0]!['tokenizer'], show['tokenizer'])
  assert.deepEqual((await db.query("SELECT embed('enc', 'the cat sat on the mat')")).rows[0]![0], before)
  assert.deepEqual((await db.query('PRAGMA integrity_check')).rows, [['ok']])
  // replacing the vocabulary (same model bytes) is a new model: the new one survives a checkpoint
  await db.exec(`CREATE OR REPLACE MODEL enc FROM '${file('enc2.onnx', embeddingModel(TABLE, VOCAB.length, D, true))}' (TOKENIZER '${file('v2.txt', ['[UNK]', ...VOCAB.slice(1)].join('\n'))}')`)
  await db.exec('CHECKPOINT')
  await db.close()
  db = await open(path)
  assert.match((await db.query('SHOW MODELS')).toObjects()[0]!['tokenizer'] as string, /^wordpiece, 34 tokens/)
  assert.notEqual((await db.query('SHOW MODELS')).toObjects()[0]!['tokenizer'], show['tokenizer'])
  await db.close()
})

test('embed(text): bad inputs are refused with a hint', async () => {
  const db = await open()
  const model = file('plain.onnx', embeddingModel(TABLE, VOCAB.length, D, true))
  await fails(() => db.exec(`CREATE MODEL m FROM '${model}' (TOKENIZER '${join(dir, 'missing.txt')}')`), SqlState.undefinedFile, /missing\.txt/)
  await fails(() => db.exec(`CREATE MODEL m FROM '${model}' (TOKENIZER '${file('empty.txt', '\n\n')}')`), SqlState.badFileFormat, /holds no tokens/)
  await fails(() => db.exec(`CREATE MODEL m FROM '${model}' (TOKENIZER '${file('nounk.txt', 'the\ncat\n')}')`), SqlState.badFileFormat, /no \[UNK\]/)
  await fails(() => db.exec(`CREATE MODEL m FROM '${model}' (TOKENIZER '${file('latin1.txt', new Uint8Array([0x5b, 0x55, 0x4e, 0x4b, 0x5d, 0x0a, 0xe9, 0xff]))}')`), SqlState.badFileFormat, /not UTF-8/)
  assert.match((await fails(() => db.exec(`CREATE MODEL m FROM '${model}' (VOCAB '${vocabPath}')`), SqlState.syntaxError, /VOCAB/)).hint!, /TOKENIZER/)
  assert.deepEqual((await db.query('SHOW MODELS')).rows, [])
  await db.exec(`CREATE MODEL m FROM '${model}'`)
  await fails(() => db.query("SELECT embed('m', 'the cat')"), SqlState.datatypeMismatch, /has no tokenizer/)
  assert.equal((await db.query('SHOW MODELS')).toObjects()[0]!['tokenizer'], null)
  // a model whose input is not token ids cannot take text
  await db.exec(`CREATE MODEL lin FROM '${file('lin.onnx', linearModel([1, 2], 0))}' (TOKENIZER '${vocabPath}')`)
  await fails(() => db.query("SELECT embed('lin', 'the cat')"), SqlState.featureNotSupported, /cannot be filled from text/)
  await db.exec(`CREATE MODEL pooled FROM '${file('p.onnx', pooledEmbeddingModel(TABLE, VOCAB.length, D, 4))}' (TOKENIZER '${vocabPath}')`)
  assert.deepEqual((await db.query("SELECT embed('pooled', NULL::VARCHAR), embed('pooled', NULL)")).rows, [[null, null]])
  assert.equal((await db.query("SELECT typeof(embed('pooled', NULL))")).rows[0]![0], `FLOAT[${D}]`)
  await db.close()
})

test('text embeddings feed an HNSW index and a nearest-neighbour query', async () => {
  const root = tempRoot('grizzly-onnx-text-hnsw-')
  try {
    const db = await openWithVector(buildVectorPlugin(root))
    registerOnnx(db.hooks, 'onnx')
    await db.exec(`CREATE MODEL enc FROM '${file('enc3.onnx', embeddingModel(TABLE, VOCAB.length, D, true))}' (TOKENIZER '${vocabPath}')`)
    const texts = sentences(400, 21)
    await docs(db, texts)
    await db.exec(`CREATE TABLE vecs AS SELECT id, body, embed('enc', body) AS embedding FROM docs`)
    await db.exec(`CREATE INDEX idx ON vecs USING hnsw (embedding) WITH (metric = 'cosine')`)
    await db.exec('SET hnsw_ef_search = 400')
    const sql = `SELECT id FROM vecs ORDER BY embedding <=> embed('enc', $1) LIMIT 5`
    assert.match((await db.query(`EXPLAIN ${sql}`, [texts[7]])).rows.map(r => r.join('\n')).join('\n'), /INDEX_SCAN/)
    const got = (await db.query(sql, [texts[7]])).rows.map(r => r[0] as number)
    // the reference: cosine distance to every JavaScript embedding
    const q = embedTokens(TABLE, D, referenceIds(texts[7]!, 512))
    const cos = (a: number[], b: number[]): number => 1 - a.reduce((s, v, i) => s + v * b[i]!, 0) / Math.hypot(...a) / Math.hypot(...b)
    const ranked = texts.map((t, i) => ({ i, d: cos(embedTokens(TABLE, D, referenceIds(t, 512)), q) })).sort((a, b) => a.d - b.d)
    assert.equal(got.length, 5)
    close(cos(embedTokens(TABLE, D, referenceIds(texts[got[0]!]!, 512)), q), ranked[0]!.d, 'nearest distance')
    await db.close()
  } finally { cleanup(root) }
})
