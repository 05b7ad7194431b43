/**
 * The policy document's JSON Schema, compiled once, and `parsePolicy`, which validates a parsed
 * JSON value and fills in defaults. Pure: problems come back as values, callers raise them.
 */
import { Ajv } from 'ajv'
import type { Policy } from './types.ts'
import { describeSchemaErrors } from './schema-errors.ts'
import type { SchemaProblem } from './schema-errors.ts'

/** what CREATE FUNCTION … LANGUAGE accepts; every one runs in the sandbox */
export const PROCEDURAL_LANGUAGES = ['javascript', 'wasm'] as const

const KEY = { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'an ed25519 public key as 64 hex characters' }

export const LIMITS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    heapMb: { type: 'integer', minimum: 1, maximum: 65536 },
    cpuMsPerCall: { type: 'integer', minimum: 1, maximum: 3_600_000 },
    wallMsPerStatement: { type: 'integer', minimum: 1, maximum: 86_400_000 },
  },
} as const

/** onnx, hnsw, fs.read:<dir>, … — a lowercase name with an optional ":argument" */
export const CAPABILITY_SCHEMA = {
  type: 'string', maxLength: 1024, pattern: '^[a-z][a-z0-9_.-]*(:[^\\u0000]+)?$',
  description: 'a capability such as "onnx", "hnsw" or "fs.read:<dir>"',
} as const

export const POLICY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    trusted_keys: { type: 'array', items: KEY },
    revoked_keys: { type: 'array', items: KEY },
    allow_unsigned: { type: 'boolean' },
    allow_unlisted: { type: 'boolean' },
    extensions: {
      type: 'object',
      propertyNames: { pattern: '^[a-z][a-z0-9_]*$', description: 'a lowercase extension name' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          enabled: { type: 'boolean' },
          capabilities: { type: 'array', items: CAPABILITY_SCHEMA },
          limits: LIMITS_SCHEMA,
        },
      },
    },
    default_limits: LIMITS_SCHEMA,
    procedural_languages: {
      type: 'array', uniqueItems: true, items: { enum: PROCEDURAL_LANGUAGES },
      description: 'the languages SQL users may write functions in with CREATE FUNCTION … LANGUAGE',
    },
    models: {
      type: 'object',
      additionalProperties: false,
      properties: {
        require_signature: { type: 'boolean', description: 'CREATE MODEL needs <file>.sig by a trusted key' },
        trusted_keys: { type: 'array', items: KEY, description: 'keys trusted to sign models (default: trusted_keys)' },
      },
    },
  },
} as const

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true })
const validate = ajv.compile(POLICY_SCHEMA)

export type PolicyParseResult =
  | { readonly ok: true; readonly policy: Policy }
  | { readonly ok: false; readonly problems: readonly SchemaProblem[] }

/** The policy that applies when none is given: only signed, trusted bundles; no capabilities. */
export const DEFAULT_POLICY: Policy = {
  trusted_keys: [], revoked_keys: [], allow_unsigned: false, allow_unlisted: true, extensions: {}, default_limits: {},
  procedural_languages: PROCEDURAL_LANGUAGES,
  models: { require_signature: false, trusted_keys: [] },
}

export function parsePolicy(json: unknown): PolicyParseResult {
  if (!validate(json)) return { ok: false, problems: describeSchemaErrors(validate.errors) }
  const p = json as Partial<Policy>
  return {
    ok: true,
    policy: {
      trusted_keys: (p.trusted_keys ?? []).map(k => k.toLowerCase()),
      revoked_keys: (p.revoked_keys ?? []).map(k => k.toLowerCase()),
      allow_unsigned: p.allow_unsigned ?? false,
      allow_unlisted: p.allow_unlisted ?? true,
      extensions: p.extensions ?? {},
      default_limits: p.default_limits ?? {},
      procedural_languages: p.procedural_languages ?? PROCEDURAL_LANGUAGES,
      models: { require_signature: p.models?.require_signature ?? false, trusted_keys: (p.models?.trusted_keys ?? []).map(k => k.toLowerCase()) },
    },
  }
}
