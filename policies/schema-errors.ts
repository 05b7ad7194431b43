/**
 * Turns ajv's error objects into one problem per failing field: a JSON path a person can find
 * in their file ("extensions.vector.limits.heapMb") and what was expected there.
 */
import type { ErrorObject } from 'ajv'

export interface SchemaProblem {
  /** dotted path of the failing field; '' for the document itself */
  readonly path: string
  /** what was expected, e.g. "an integer >= 1" */
  readonly expected: string
  /** for unknown fields: the name that was found */
  readonly unknownField?: string
}

function dotted(instancePath: string): string {
  return instancePath.split('/').slice(1).map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(p => /^\d+$/.test(p) ? `[${p}]` : `.${p}`).join('').replace(/^\./, '')
}

function join(path: string, child: string): string {
  return path === '' ? child : `${path}.${child}`
}

function describe(e: ErrorObject): SchemaProblem {
  const path = dotted(e.instancePath)
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'required': return { path: join(path, String(p['missingProperty'])), expected: 'present (it is required)' }
    case 'additionalProperties': return { path: join(path, String(p['additionalProperty'])), expected: 'absent (unknown field)', unknownField: String(p['additionalProperty']) }
    case 'type': return { path, expected: `of type ${String(p['type'])}` }
    case 'pattern': return { path, expected: `${e.parentSchema?.['description'] ?? `a string matching ${String(p['pattern'])}`}` }
    case 'minimum': return { path, expected: `>= ${String(p['limit'])}` }
    case 'maximum': return { path, expected: `<= ${String(p['limit'])}` }
    case 'exclusiveMinimum': return { path, expected: `> ${String(p['limit'])}` }
    case 'minLength': return { path, expected: `at least ${String(p['limit'])} character(s) long` }
    case 'maxLength': return { path, expected: `at most ${String(p['limit'])} characters long` }
    case 'maxItems': return { path, expected: `at most ${String(p['limit'])} items` }
    case 'enum': return { path, expected: `one of ${(p['allowedValues'] as unknown[]).map(v => JSON.stringify(v)).join(', ')}` }
    case 'uniqueItems': return { path, expected: 'a list without duplicates' }
    case 'propertyNames': return { path, expected: 'valid property names' }
    default: return { path, expected: e.message ?? e.keyword }
  }
}

/** The first problem per path, in document order; propertyNames errors point at the bad key. */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): SchemaProblem[] {
  const out: SchemaProblem[] = []
  const seen = new Set<string>()
  for (const e of errors ?? []) {
    if (e.keyword === 'propertyNames' || e.keyword === 'if') continue // the nested error says more
    const problem = e.propertyName !== undefined
      ? { path: join(dotted(e.instancePath), e.propertyName), expected: `a valid name (${describe(e).expected})` }
      : describe(e)
    if (seen.has(problem.path)) continue
    seen.add(problem.path)
    out.push(problem)
  }
  return out
}

export function formatProblem(p: SchemaProblem): string {
  return p.path === '' ? `must be ${p.expected}` : `"${p.path}" must be ${p.expected}`
}
