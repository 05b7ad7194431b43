// Run with: node --no-node-snapshot --import tsx examples/semantic-search/main.ts
//
// Semantic search in SQL: a text-embedding model stored in the database with its WordPiece
// vocabulary (CREATE MODEL … (TOKENIZER 'vocab.txt')), embed() over a VARCHAR column, the
// vectors in an HNSW index, and a nearest-neighbour query for a sentence.
//
// The example makes everything it needs in a temporary folder: a tiny embedding model whose
// token vectors point along four topics (pets, weather, food, sport) — a real export such as
// all-MiniLM-L6-v2 with its vocab.txt is used the same way —, a publisher key, the signed onnx
// and vector bundles, and a policy that grants them the `onnx` and `hnsw` capabilities.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Database } from 'grizzly-db'
import { buildBundle } from '../../registry/bundle.ts'
import { generateKeyPair, signBundle } from '../../registry/index.ts'
import { embeddingModel } from '../../bench/onnx-models.ts'

const TOPICS: readonly (readonly string[])[] = [
  ['cat', 'dog', 'kitten', 'puppy', 'pet', '##s', 'bark', 'purr'],
  ['rain', 'sun', 'storm', 'weather', 'cloud', 'wind', 'cold'],
  ['pizza', 'bread', 'soup', 'cook', 'eat', 'dinner', 'bake'],
  ['football', 'goal', 'match', 'team', 'score', 'play', 'win'],
]
const FILLER = ['the', 'a', 'my', 'is', 'and', 'we', 'in', 'to', 'for', 'today', 'will', '.', ',', '!']

const dir = mkdtempSync(join(tmpdir(), 'grizzly-semantic-'))
try {
  // the vocabulary: BERT's special tokens, then the words; a token's id is its line
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', ...FILLER, ...TOPICS.flat()]
  const vocabPath = join(dir, 'vocab.txt')
  writeFileSync(vocabPath, vocab.join('\n') + '\n')
  // token vectors: a topic word along its topic's axis, filler words small and mixed
  const d = TOPICS.length
  const table = vocab.flatMap((token, id) => {
    const topic = TOPICS.findIndex(words => words.includes(token))
    return Array.from({ length: d }, (_, k) => topic >= 0 ? (k === topic ? 1 : 0.05) : id < 4 ? 0 : 0.1 * ((id + k) % 3))
  })
  const modelPath = join(dir, 'encoder.onnx')
  writeFileSync(modelPath, embeddingModel(table, vocab.length, d, true))

  const publisher = generateKeyPair()
  const bundles = ['onnx', 'vector'].map(name => {
    const source = fileURLToPath(new URL(`../../plugins/${name}/`, import.meta.url))
    const out = join(dir, `${name}-bundle`)
    buildBundle({ entry: join(source, 'index.ts'), outDir: out, manifest: JSON.parse(readFileSync(join(source, 'manifest.json'), 'utf8')) })
    signBundle(out, publisher.secretKey)
    return out
  })

  const db = await Database.open(undefined, {
    policy: { trusted_keys: [publisher.publicKey], extensions: { onnx: { capabilities: ['onnx'] }, vector: { capabilities: ['hnsw'] } } },
    extensionDirectory: join(dir, 'extensions'),
  })
  for (const bundle of bundles) await db.exec(`LOAD '${bundle}'`)

  await db.exec(`CREATE MODEL encoder FROM '${modelPath}' (TOKENIZER '${vocabPath}')`)
  console.table((await db.query('SHOW MODELS')).toObjects().map(r => ({ name: r.name, tokenizer: String(r.tokenizer).slice(0, 30) + '…' })))

  await db.exec(`CREATE TABLE notes (id INTEGER, body VARCHAR);
    INSERT INTO notes VALUES
      (1, 'The puppy will bark at the cat'), (2, 'Rain and wind today, a storm in the cloud'),
      (3, 'We bake bread and cook soup for dinner'), (4, 'The team will score a goal to win the match'),
      (5, 'My kitten and my dog are pets'), (6, 'Cold weather, no sun!'),
      (7, 'Pizza is the dinner we eat'), (8, 'Football: we play the match today'), (9, NULL)`)

  // one vector per note (a NULL body gives a NULL vector), indexed for cosine distance
  await db.exec(`CREATE TABLE note_vectors AS SELECT id, body, embed('encoder', body) AS embedding FROM notes`)
  await db.exec(`CREATE INDEX note_embedding ON note_vectors USING hnsw (embedding) WITH (metric = 'cosine')`)

  const search = `SELECT id, body, round((embedding <=> embed('encoder', $1))::DOUBLE, 3) AS distance
                  FROM note_vectors ORDER BY embedding <=> embed('encoder', $1) LIMIT 2`
  console.log((await db.query(`EXPLAIN ${search}`, ['x'])).rows.flat().join('\n').match(/INDEX_SCAN[^\n]*/)?.[0])
  for (const question of ['Is my cat a good pet?', 'Will it rain today?', 'What do we eat for dinner?']) {
    console.log(question)
    console.table((await db.query(search, [question])).toObjects())
  }
  await db.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
