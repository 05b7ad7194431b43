/**
 * The direction of imports (DESIGN §2), checked on every source file's import specifiers.
 * Test files are exempt. A failure names the file, the import and the rule it breaks.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

// ---- the rule table ----------------------------------------------------------------------------

/** Top-level areas and the other areas each may import ('*' = anything). Same-area imports are always fine. */
const AREA_RULES: Readonly<Record<string, readonly string[] | '*'>> = {
  sdk: [],
  policies: ['sdk'],
  core: ['sdk', 'policies'],
  registry: ['core', 'sdk', 'policies'],
  sandbox: ['core', 'sdk', 'policies'],
  // the ExtensionHost the package entry wires in: registry + policies + sandbox behind core's seam
  host: ['core', 'sdk', 'policies', 'registry', 'sandbox'],
  plugins: ['sdk'],
  cli: '*',
  server: '*',
  'index.ts': '*',
  examples: '*',
  bench: '*',
}

/**
 * Stages inside core, earliest first. A file may import its own stage and earlier ones only;
 * the base stages (rank 0) may import each other.
 */
const CORE_STAGES: readonly (readonly [rank: number, stages: readonly string[]])[] = [
  [0, ['errors.ts', 'types', 'vector', 'hooks', 'functions', 'extensions']],
  [1, ['parser']],
  [2, ['plan', 'catalog', 'indexes', 'arrow', 'formats']],
  // the binder folds constants with the expression evaluator, as DuckDB's binder does
  [3, ['expression']],
  // durable storage: below the binder, used by database.ts
  [3, ['storage']],
  [4, ['binder']],
  [5, ['optimizer']],
  [6, ['planner']],
  [7, ['execution']],
  // ATTACH: other databases as the database layer sees them
  [8, ['database.ts', 'result.ts', 'params.ts', 'progress.ts', 'plan-cache.ts', 'prepared.ts', 'index.ts', 'attach', 'statement-helpers.ts']],
]

/**
 * Imports that break the rules today, each with the reason and the way out. A listed import that
 * no longer exists fails the test, so this list only shrinks; never add to it to silence the test.
 */
const KNOWN_VIOLATIONS: readonly { readonly from: string; readonly to: string; readonly why: string }[] = [
]

/** Package self-references resolve to these repository paths. */
const PACKAGE_ENTRIES: Readonly<Record<string, string>> = { 'grizzly-db': 'index.ts', 'grizzly-db/sdk': 'sdk/index.ts' }

// ---- checking ----------------------------------------------------------------------------------

const STAGE_RANK = new Map<string, number>()
for (const [rank, stages] of CORE_STAGES) for (const s of stages) STAGE_RANK.set(s, rank)

function areaOf(path: string): string {
  const first = path.split('/')[0]!
  return path.includes('/') ? first : path
}

function stageOf(corePath: string): string {
  return corePath.split('/')[1] ?? ''
}

/** Why `from` may not import `to` (both repository-relative, '/'-separated), or undefined if it may. */
export function violation(from: string, to: string): string | undefined {
  const fromArea = areaOf(from), toArea = areaOf(to)
  const allowed = AREA_RULES[fromArea]
  if (allowed === undefined) return `"${fromArea}" is not in the area table of test/architecture.test.ts`
  if (fromArea !== toArea && allowed !== '*' && !allowed.includes(toArea)) {
    return `${fromArea}/ may import only ${allowed.length === 0 ? 'nothing of ours' : allowed.map(a => a + '/').join(', ')}; ${toArea}${toArea.endsWith('.ts') ? '' : '/'} is not allowed`
  }
  if (fromArea === 'core' && toArea === 'core') {
    const fromStage = stageOf(from), toStage = stageOf(to)
    const fromRank = STAGE_RANK.get(fromStage), toRank = STAGE_RANK.get(toStage)
    if (fromRank === undefined) return `core/${fromStage} is not in the core stage table of test/architecture.test.ts`
    if (toRank === undefined) return `core/${toStage} is not in the core stage table of test/architecture.test.ts`
    if (toRank > fromRank) return `core stages import only earlier stages: core/${fromStage} (stage ${fromRank}) may not import core/${toStage} (stage ${toRank})`
  }
  return undefined
}

const SPECIFIER = /(?:^|[^\w$.])(?:import|export)\s+(?:type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|(?:^|[^\w$.])import\s*\(\s*['"]([^'"]+)['"]\s*\)/g

/** Import specifiers of a source text, comments removed first. */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"\\])\/\/.*$/gm, '$1')
  const out: string[] = []
  for (const m of code.matchAll(SPECIFIER)) out.push((m[1] ?? m[2])!)
  return out
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.') || name === 'fixtures') continue
    const full = join(dir, name)
    const rel = relative(ROOT, full).split(sep).join('/')
    if (rel === 'test') continue
    if (statSync(full).isDirectory()) sourceFiles(full, out)
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !/\.test\.(ts|mts|js|mjs)$/.test(name)) out.push(rel)
  }
  return out
}

function resolveSpecifier(fromFile: string, specifier: string): string | undefined {
  const entry = PACKAGE_ENTRIES[specifier]
  if (entry !== undefined) return entry
  if (!specifier.startsWith('.')) return undefined
  return relative(ROOT, resolve(ROOT, dirname(fromFile), specifier)).split(sep).join('/')
}

// ---- tests -------------------------------------------------------------------------------------

test('every import follows the allowed direction (DESIGN §2)', () => {
  const problems: string[] = []
  const usedExceptions = new Set<string>()
  const files = sourceFiles(ROOT)
  assert.ok(files.length > 0)
  for (const file of files) {
    if (areaOf(file) === 'test') continue
    if (!file.includes('/') && file !== 'index.ts') continue // root config scripts
    for (const specifier of importSpecifiers(readFileSync(join(ROOT, file), 'utf8'))) {
      const target = resolveSpecifier(file, specifier)
      if (target === undefined || target.startsWith('..')) continue
      if (areaOf(target) === 'test') { problems.push(`${file}: imports "${specifier}" — only tests may import test/`); continue }
      const why = violation(file, target)
      if (why === undefined) continue
      const known = KNOWN_VIOLATIONS.find(k => k.from === file && k.to === target)
      if (known !== undefined) { usedExceptions.add(`${known.from} -> ${known.to}`); continue }
      problems.push(`${file}: imports "${specifier}" — ${why}`)
    }
  }
  for (const k of KNOWN_VIOLATIONS) {
    if (!usedExceptions.has(`${k.from} -> ${k.to}`)) problems.push(`${k.from} no longer imports ${k.to}: remove it from KNOWN_VIOLATIONS`)
  }
  assert.deepEqual(problems, [], `imports against the direction of DESIGN §2:\n${problems.join('\n')}`)
})

test('the rule table says what DESIGN §2 says', () => {
  assert.equal(violation('sdk/index.ts', 'core/errors.ts')?.includes('nothing of ours'), true)
  assert.equal(violation('policies/eval.ts', 'sdk/index.ts'), undefined)
  assert.ok(violation('policies/eval.ts', 'core/errors.ts'))
  assert.equal(violation('core/parser/lexer.ts', 'policies/schema.ts'), undefined)
  for (const outer of ['sandbox', 'registry', 'plugins', 'cli', 'server']) assert.ok(violation('core/database.ts', `${outer}/x.ts`), outer)
  assert.equal(violation('sandbox/host.ts', 'core/hooks/registry.ts'), undefined)
  assert.ok(violation('sandbox/host.ts', 'registry/store.ts'))
  assert.equal(violation('registry/store.ts', 'core/errors.ts'), undefined)
  assert.equal(violation('plugins/vector/index.ts', 'sdk/index.ts'), undefined)
  assert.ok(violation('plugins/vector/index.ts', 'core/errors.ts'))
  assert.equal(violation('cli/main.ts', 'sandbox/host.ts'), undefined)
  assert.equal(violation('index.ts', 'registry/store.ts'), undefined)
  // stage order inside core
  assert.equal(violation('core/binder/bind.ts', 'core/parser/ast.ts'), undefined)
  assert.equal(violation('core/binder/bind.ts', 'core/catalog/catalog.ts'), undefined)
  assert.match(violation('core/parser/parser.ts', 'core/catalog/catalog.ts') ?? '', /core\/parser \(stage 1\) may not import core\/catalog \(stage 2\)/)
  assert.ok(violation('core/optimizer/rules.ts', 'core/execution/hash-join.ts'))
  assert.ok(violation('core/functions/math.ts', 'core/parser/ast.ts'))
  assert.equal(violation('core/types/builtin.ts', 'core/functions/cast.ts'), undefined) // base stages share
  assert.equal(violation('core/execution/run.ts', 'core/expression/compile.ts'), undefined)
  assert.ok(violation('core/execution/run.ts', 'core/database.ts'))
  assert.match(violation('core/newstage/x.ts', 'core/errors.ts') ?? '', /not in the core stage table/)
})

test('import specifiers are found in every form and comments are ignored', () => {
  const src = [
    "import { a } from './a.ts'",
    "import type { B } from '../b.ts'",
    "import * as c from \"./c.ts\"",
    "import './side-effect.ts'",
    "export { d } from './d.ts'",
    "export * from './e.ts'",
    "const f = await import('./f.ts')",
    "import {",
    "  g,",
    "  type H,",
    "} from './g.ts'",
    "// import { x } from './commented.ts'",
    "/* import y from './block.ts' */",
    "const s = 'import z from \"./not-code\"'.length",
  ].join('\n')
  const found = importSpecifiers(src)
  assert.deepEqual(found.filter(s => s !== './not-code'), ['./a.ts', '../b.ts', './c.ts', './side-effect.ts', './d.ts', './e.ts', './f.ts', './g.ts'])
})
