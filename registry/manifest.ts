/**
 * The bundle manifest: its JSON Schema (compiled once), its TypeScript shape, and
 * `validateManifest`, which raises GrizzlyError 22023 naming the failing field.
 */
import { Ajv } from 'ajv'
import { didYouMean, GrizzlyError, SqlState } from '../core/errors.ts'
import { CAPABILITY_SCHEMA, LIMITS_SCHEMA, describeSchemaErrors, formatProblem } from '../policies/index.ts'
import type { ResourceLimits, SchemaProblem } from '../policies/index.ts'
import type { HookKind } from '../core/hooks/registry.ts'
import { parseRange, parseVersion } from './semver.ts'

export interface HookRef { readonly kind: HookKind; readonly name: string }

export interface ExtensionManifest {
  readonly name: string
  readonly version: string
  /** semver range of the engine API (ENGINE_API_VERSION) the bundle works with */
  readonly engine: string
  readonly description?: string
  readonly publisher?: string
  readonly hooks: readonly HookRef[]
  readonly capabilities: readonly string[]
  readonly limits: ResourceLimits
  /** every bundle file except manifest.json and signature → sha256 hex */
  readonly files: Readonly<Record<string, string>>
}

export const MANIFEST_FILE = 'manifest.json'
export const SIGNATURE_FILE = 'signature'
export const ENTRY_FILE = 'index.js'

const HOOK_KINDS: readonly HookKind[] = ['scalar', 'aggregate', 'window', 'table', 'type', 'cast', 'format', 'index', 'setting']

/** A relative path of plain segments: no absolute paths, no '..', no backslashes. */
const FILE_NAME = '^(?!/)(?!.*(^|/)\\.\\.?(/|$))[A-Za-z0-9_.@-]+(/[A-Za-z0-9_.@-]+)*$'

export const MANIFEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'version', 'engine', 'files'],
  properties: {
    name: { type: 'string', maxLength: 64, pattern: '^[a-z][a-z0-9_]*$', description: 'a lowercase identifier (a-z, 0-9, _; starting with a letter)' },
    version: { type: 'string', maxLength: 256 },
    engine: { type: 'string', maxLength: 256 },
    description: { type: 'string', maxLength: 2000 },
    publisher: { type: 'string', maxLength: 200 },
    hooks: {
      type: 'array', maxItems: 10000,
      items: {
        type: 'object', additionalProperties: false, required: ['kind', 'name'],
        properties: { kind: { enum: HOOK_KINDS }, name: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'an identifier' } },
      },
    },
    capabilities: { type: 'array', maxItems: 256, uniqueItems: true, items: CAPABILITY_SCHEMA },
    limits: LIMITS_SCHEMA,
    files: {
      type: 'object',
      maxProperties: 10000,
      propertyNames: { maxLength: 512, pattern: FILE_NAME, description: 'a relative file path without ".." segments' },
      additionalProperties: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'a lowercase sha256 hex digest (64 characters)' },
    },
  },
} as const

const validate = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(MANIFEST_SCHEMA)

function fail(problem: SchemaProblem, all: readonly SchemaProblem[]): GrizzlyError {
  const more = all.length > 1 ? ` (and ${all.length - 1} more problem${all.length > 2 ? 's' : ''})` : ''
  const hint = problem.unknownField !== undefined ? didYouMean(problem.unknownField, Object.keys(MANIFEST_SCHEMA.properties)) : undefined
  return new GrizzlyError(SqlState.invalidParameterValue, `invalid extension manifest: ${formatProblem(problem)}${more}`, { hint })
}

/** Checks a parsed manifest.json; returns it typed with defaults filled in, or throws 22023. */
export function validateManifest(json: unknown): ExtensionManifest {
  if (!validate(json)) {
    const problems = describeSchemaErrors(validate.errors)
    throw fail(problems[0] ?? { path: '', expected: 'a valid manifest' }, problems)
  }
  const m = json as Partial<ExtensionManifest> & { name: string; version: string; engine: string; files: Record<string, string> }
  try { parseVersion(m.version) } catch (e) { throw fail({ path: 'version', expected: `a semver version such as "1.2.3" (${(e as Error).message})` }, []) }
  try { parseRange(m.engine) } catch (e) { throw fail({ path: 'engine', expected: `a semver range such as "^1.0.0" (${(e as Error).message})` }, []) }
  for (const reserved of [MANIFEST_FILE, SIGNATURE_FILE]) {
    if (Object.prototype.hasOwnProperty.call(m.files, reserved)) throw fail({ path: `files.${reserved}`, expected: `absent (${reserved} is never listed in files)` }, [])
  }
  if (!Object.prototype.hasOwnProperty.call(m.files, ENTRY_FILE)) throw fail({ path: `files.${ENTRY_FILE}`, expected: 'present (every bundle has an index.js)' }, [])
  return {
    name: m.name, version: m.version, engine: m.engine,
    ...(m.description !== undefined ? { description: m.description } : {}),
    ...(m.publisher !== undefined ? { publisher: m.publisher } : {}),
    hooks: m.hooks ?? [], capabilities: m.capabilities ?? [], limits: m.limits ?? {}, files: m.files,
  }
}

/** Parses manifest.json text; malformed JSON is 22023 as well. */
export function parseManifest(text: string): ExtensionManifest {
  let json: unknown
  try { json = JSON.parse(text) } catch (e) {
    throw new GrizzlyError(SqlState.invalidParameterValue, `invalid extension manifest: not valid JSON (${(e as Error).message})`)
  }
  return validateManifest(json)
}
