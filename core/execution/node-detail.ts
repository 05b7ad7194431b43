/**
 * The key facts of a logical node (tables, predicates, join conditions, groups, sort keys) as
 * SQL-ish text, for EXPLAIN lines.
 */
import { cteFacts, renderExpr, renderSkipFilters } from '../plan/explain.ts'
import type { BoundExpr, SortKey } from '../plan/expr.ts'
import type { LogicalPlan } from '../plan/logical.ts'
import { describeProbes } from '../optimizer/parallel-join-fragment.ts'

const MAX_DETAIL = 160

function keys(ks: readonly SortKey[]): string {
  return ks.map(k => `${renderExpr(k.expr)}${k.descending ? ' DESC' : ''}${k.nullsFirst !== k.descending ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`).join(', ')
}

function renderLimit(limit: BoundExpr, offset: BoundExpr | null): string {
  return `LIMIT ${renderExpr(limit)}${offset === null ? '' : ` OFFSET ${renderExpr(offset)}`}`
}

function clip(s: string): string { return s.length > MAX_DETAIL ? `${s.slice(0, MAX_DETAIL - 1)}…` : s }

/** Key facts of a logical node for EXPLAIN. */
export function nodeDetail(p: LogicalPlan): string {
  switch (p.kind) {
    case 'scan': {
      const cols = p.columns.map(c => c < 0 ? 'rowid' : p.table.columns[c]?.name ?? `#${c}`)
      const filters = p.filters.length > 0 ? ` WHERE ${p.filters.map(f => renderExpr(f)).join(' AND ')}` : ''
      const index = (p.index === undefined ? '' : ` USING ${p.index.index.name}`)
        + (p.nearest === undefined ? '' : ` USING ${p.nearest.index.name} (nearest by ${p.nearest.fn}(${p.table.columns[p.nearest.index.columns[0]!]?.name ?? '?'}, ${renderExpr(p.nearest.query)})${p.nearest.ordered === undefined ? '' : `, ${renderLimit(p.nearest.limit, p.nearest.offset)} in the index's order`})`)
      return clip(`${p.table.name}${index} [${cols.join(', ')}]${filters}`)
    }
    case 'filter': return clip(renderExpr(p.predicate))
    case 'project': return (p.pipelined === true ? '[pipelined] ' : '') + clip(p.exprs.map(e => renderExpr(e)).join(', '))
    case 'unnest': return clip(p.lists.map(e => renderExpr(e)).join(', '))
    case 'join': return clip(`${p.joinType}${p.indexJoin === undefined ? '' : ` USING ${p.indexJoin.index.name}`}${p.condition === null ? '' : ` ON ${renderExpr(p.condition)}`}`)
    case 'aggregate': {
      const groups = p.groups.length > 0 ? `BY ${p.groups.map(g => renderExpr(g)).join(', ')}; ` : ''
      const sets = p.groupingSets === null ? '' : ` (${p.groupingSets.length} grouping sets)`
      const threads = p.parallel === undefined ? '' : ` threads=${p.parallel}${describeProbes(p)}`
      return clip(`${groups}${p.aggregates.map(a => `${a.fn.name}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map(x => renderExpr(x)).join(', ')})`).join(', ')}${sets}`) + threads
    }
    case 'window': return clip(`${p.windows.map(w => w.fn.kind === 'window' ? w.fn.window.name : w.fn.aggregate.fn.name).join(', ')}${p.topK === undefined ? '' : ` (top ${p.topK} per partition)`}`)
    case 'sort': return clip(keys(p.keys))
    case 'top_n': return clip(`${keys(p.keys)} ${renderLimit(p.limit, p.offset)}`)
    case 'limit': return `${p.limit === null ? '' : `LIMIT ${renderExpr(p.limit)}${p.percent === true ? ' PERCENT' : ''}`}${p.offset === null ? '' : ` OFFSET ${renderExpr(p.offset)}`}`.trim()
    case 'distinct': return p.on === null ? '' : clip(`ON ${p.on.map(e => renderExpr(e)).join(', ')}`)
    case 'values': return `${p.rows.length} row(s)`
    case 'table_function': return `${p.name}${renderSkipFilters(p)}`
    case 'cte': return `${p.name} ${cteFacts(p)}`
    case 'cte_ref': return p.name
    case 'recursive_cte': return `${p.name}${p.distinct ? ' (UNION)' : ' (UNION ALL)'}`
    case 'insert': case 'update': case 'delete': return p.table.name
    case 'set_op': case 'empty': return ''
  }
}
