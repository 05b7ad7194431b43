/**
 * The abstract syntax tree: what the parser produces and the binder consumes. Every node is
 * readonly, has a `kind` string, and carries `pos`, the 0-based offset in the SQL text where
 * it starts (used for error carets). Identifiers are already case-folded (unquoted → lower case;
 * quoted → as written). Stages dispatch on `kind` with exhaustive switches ending in assertNever.
 */

export interface NodeBase { readonly pos: number }

/** `a.b.c` as written, already case-folded. */
export type QualifiedName = readonly string[]

// ---------------------------------------------------------------------------------------------
// Statements

export type Statement =
  | QueryStatement
  | CreateTableStatement
  | CreateViewStatement
  | CreateSchemaStatement
  | CreateIndexStatement
  | CreateSequenceStatement
  | CreateTypeStatement
  | CreateModelStatement
  | DropStatement
  | AlterTableStatement
  | InsertStatement
  | UpdateStatement
  | DeleteStatement
  | TransactionStatement
  | ExplainStatement
  | SetStatement
  | ResetStatement
  | ShowStatement
  | DescribeStatement
  | PragmaStatement
  | CopyStatement
  | InstallExtensionStatement
  | LoadExtensionStatement
  | UnloadExtensionStatement
  | UpdateExtensionsStatement
  | ShowExtensionPermissionsStatement
  | CreateFunctionStatement
  | PrepareStatement
  | ExecuteStatement
  | DeallocateStatement
  | AttachStatement
  | DetachStatement
  | UseStatement
  | ExportDatabaseStatement
  | ImportDatabaseStatement
  | BackupStatement
  | RestoreStatement

/** A query used as a statement: SELECT / VALUES / set operations with WITH, ORDER BY, LIMIT. */
export interface QueryStatement extends NodeBase { readonly kind: 'query_statement'; readonly query: Query }

export interface CreateTableStatement extends NodeBase {
  readonly kind: 'create_table'
  readonly name: QualifiedName
  readonly ifNotExists: boolean
  readonly orReplace: boolean
  readonly temporary: boolean
  readonly columns: readonly ColumnDef[]
  readonly constraints: readonly TableConstraint[]
  /** CREATE TABLE … AS query; then `columns` may be empty or list only names (types unset). */
  readonly as: Query | null
}

export interface ColumnDef extends NodeBase {
  readonly name: string
  /** null only in CREATE TABLE t(a, b) AS … */
  readonly type: TypeName | null
  readonly notNull: boolean
  readonly primaryKey: boolean
  readonly unique: boolean
  readonly default: Expr | null
  readonly check: Expr | null
  /** GENERATED ALWAYS AS (expr) [VIRTUAL | STORED] or AS (expr); absent for ordinary columns */
  readonly generated?: { readonly expr: Expr; readonly stored: boolean }
}

export type TableConstraint =
  | { readonly kind: 'primary_key'; readonly pos: number; readonly columns: readonly string[] }
  | { readonly kind: 'unique'; readonly pos: number; readonly columns: readonly string[] }
  | { readonly kind: 'check'; readonly pos: number; readonly expr: Expr }
  | { readonly kind: 'foreign_key'; readonly pos: number; readonly columns: readonly string[]; readonly refTable: QualifiedName; readonly refColumns: readonly string[] }

export interface CreateViewStatement extends NodeBase {
  readonly kind: 'create_view'
  readonly name: QualifiedName
  readonly columns: readonly string[] | null
  readonly query: Query
  readonly orReplace: boolean
  readonly ifNotExists: boolean
  readonly temporary: boolean
}

export interface CreateSchemaStatement extends NodeBase {
  readonly kind: 'create_schema'
  readonly name: string
  /** CREATE SCHEMA db.name: an attached database's */
  readonly database?: string
  readonly ifNotExists: boolean
}

export interface CreateIndexStatement extends NodeBase {
  readonly kind: 'create_index'
  readonly name: string | null
  readonly table: QualifiedName
  readonly unique: boolean
  readonly ifNotExists: boolean
  /** USING method, lower case (e.g. 'art', 'hnsw'); null = default */
  readonly using: string | null
  readonly columns: readonly Expr[]
  /** WITH (key = value, …) */
  readonly options: readonly { readonly name: string; readonly value: Expr }[]
}

export interface CreateSequenceStatement extends NodeBase {
  readonly kind: 'create_sequence'
  readonly name: QualifiedName
  readonly ifNotExists: boolean
  readonly orReplace: boolean
  /** CREATE TEMP SEQUENCE: lives in the temp schema */
  readonly temporary: boolean
  readonly options: readonly { readonly name: string; readonly value: Expr | null }[]
}

/** CREATE [OR REPLACE] MODEL [IF NOT EXISTS] name FROM 'file' [(TOKENIZER 'vocab.txt')] */
export interface CreateModelStatement extends NodeBase {
  readonly kind: 'create_model'
  readonly name: string
  readonly path: string
  /** the TOKENIZER option's file, null without it */
  readonly tokenizer: string | null
  readonly ifNotExists: boolean
  readonly orReplace: boolean
}

/** CREATE [OR REPLACE] TYPE [IF NOT EXISTS] name AS type: a named alias of a type */
export interface CreateTypeStatement extends NodeBase {
  readonly kind: 'create_type'
  readonly name: QualifiedName
  readonly type: TypeName
  readonly ifNotExists: boolean
  readonly orReplace: boolean
}

export type DropObjectType = 'table' | 'view' | 'schema' | 'index' | 'sequence' | 'function' | 'macro' | 'model' | 'type'

export interface DropStatement extends NodeBase {
  readonly kind: 'drop'
  readonly objectType: DropObjectType
  readonly names: readonly QualifiedName[]
  readonly ifExists: boolean
  readonly cascade: boolean
}

export interface AlterTableStatement extends NodeBase {
  readonly kind: 'alter_table'
  readonly table: QualifiedName
  readonly ifExists: boolean
  readonly action: AlterTableAction
}

export type AlterTableAction =
  | { readonly kind: 'add_column'; readonly pos: number; readonly column: ColumnDef; readonly ifNotExists: boolean }
  | { readonly kind: 'drop_column'; readonly pos: number; readonly name: string; readonly ifExists: boolean; readonly cascade: boolean }
  | { readonly kind: 'rename_column'; readonly pos: number; readonly from: string; readonly to: string }
  | { readonly kind: 'rename_table'; readonly pos: number; readonly to: string }
  | { readonly kind: 'alter_column_type'; readonly pos: number; readonly name: string; readonly type: TypeName; readonly using: Expr | null }
  | { readonly kind: 'set_default'; readonly pos: number; readonly name: string; readonly default: Expr | null }
  | { readonly kind: 'set_not_null'; readonly pos: number; readonly name: string; readonly notNull: boolean }

export interface InsertStatement extends NodeBase {
  readonly kind: 'insert'
  readonly with: WithClause | null
  readonly table: QualifiedName
  readonly alias: string | null
  /** explicit column list, or null for all columns in order */
  readonly columns: readonly string[] | null
  /** `DEFAULT VALUES` is 'default_values'; VALUES lists and SELECTs are queries */
  readonly source: Query | 'default_values'
  /** INSERT OR REPLACE / OR IGNORE (DuckDB/SQLite spelling of ON CONFLICT) */
  readonly orAction: 'replace' | 'ignore' | null
  /** INSERT INTO t BY NAME SELECT … */
  readonly byName: boolean
  readonly onConflict: OnConflict | null
  readonly returning: readonly SelectItem[]
}

export interface OnConflict extends NodeBase {
  /** conflict target columns, or null when omitted */
  readonly target: readonly string[] | null
  readonly action: { readonly kind: 'nothing' } | { readonly kind: 'update'; readonly set: readonly Assignment[]; readonly where: Expr | null }
}

export interface Assignment extends NodeBase {
  readonly column: string
  /** `DEFAULT` is represented by an Expr of kind 'default' */
  readonly value: Expr
}

export interface UpdateStatement extends NodeBase {
  readonly kind: 'update'
  readonly with: WithClause | null
  readonly table: QualifiedName
  readonly alias: string | null
  readonly set: readonly Assignment[]
  readonly from: TableRef | null
  readonly where: Expr | null
  readonly returning: readonly SelectItem[]
}

export interface DeleteStatement extends NodeBase {
  readonly kind: 'delete'
  readonly with: WithClause | null
  readonly table: QualifiedName
  readonly alias: string | null
  readonly using: TableRef | null
  readonly where: Expr | null
  readonly returning: readonly SelectItem[]
}

export interface TransactionStatement extends NodeBase {
  readonly kind: 'transaction'
  readonly action: 'begin' | 'commit' | 'rollback'
}

export interface ExplainStatement extends NodeBase {
  readonly kind: 'explain'
  readonly analyze: boolean
  readonly statement: Statement
}

export interface SetStatement extends NodeBase {
  readonly kind: 'set'
  readonly name: string
  readonly scope: 'session' | 'global' | 'local'
  readonly value: Expr
}

export interface ResetStatement extends NodeBase {
  readonly kind: 'reset'
  /** null = RESET ALL */
  readonly name: string | null
}

export interface ShowStatement extends NodeBase {
  readonly kind: 'show'
  /** SHOW TABLES, SHOW ALL TABLES, or SHOW <setting name> */
  readonly what: { readonly kind: 'tables'; readonly from?: QualifiedName } | { readonly kind: 'databases' } | { readonly kind: 'all_tables' } | { readonly kind: 'models' } | { readonly kind: 'setting'; readonly name: string }
}

export interface DescribeStatement extends NodeBase {
  readonly kind: 'describe'
  readonly target: { readonly kind: 'table'; readonly name: QualifiedName } | { readonly kind: 'query'; readonly query: Query }
}

/** PRAGMA name; PRAGMA name(args); PRAGMA name = value */
export interface PragmaStatement extends NodeBase {
  readonly kind: 'pragma'
  readonly name: string
  readonly args: readonly Expr[]
}

// ---------------------------------------------------------------------------------------------
// Extensions and procedural-language routines (core/parser/extensions.ts)

/** [FORCE] INSTALL name [VERSION 'range'] [FROM 'registry-dir'] */
export interface InstallExtensionStatement extends NodeBase {
  readonly kind: 'install_extension'
  readonly name: string
  readonly version: string | null
  readonly from: string | null
  readonly force: boolean
}

/** LOAD [EXTENSION] name, or LOAD 'bundle-dir' */
export interface LoadExtensionStatement extends NodeBase {
  readonly kind: 'load_extension'
  readonly target: { readonly kind: 'name'; readonly name: string } | { readonly kind: 'path'; readonly path: string }
}

export interface UnloadExtensionStatement extends NodeBase { readonly kind: 'unload_extension'; readonly name: string }

/** UPDATE EXTENSIONS [(name, …)]; names null = all installed */
export interface UpdateExtensionsStatement extends NodeBase { readonly kind: 'update_extensions'; readonly names: readonly string[] | null }

export interface ShowExtensionPermissionsStatement extends NodeBase { readonly kind: 'show_extension_permissions'; readonly name: string }

export interface RoutineParam extends NodeBase { readonly name: string; readonly type: TypeName }

/** CREATE [OR REPLACE] FUNCTION | AGGREGATE name(params) RETURNS type LANGUAGE lang AS body */
export interface CreateFunctionStatement extends NodeBase {
  readonly kind: 'create_function'
  readonly routineKind: 'scalar' | 'aggregate'
  readonly orReplace: boolean
  readonly name: string
  readonly params: readonly RoutineParam[]
  readonly returns: TypeName
  /** lower-cased: 'javascript', 'wasm', … */
  readonly language: string
  /** as written; FROM 'file' is kept as 'file:<path>' */
  readonly body: string
  /** offset of the body's first character in the SQL text */
  readonly bodyPos: number
  /** WASM: SYMBOL 'export name' */
  readonly symbol: string | null
}

/** PREPARE name [(types)] AS statement: kept per session, run by EXECUTE with its parameter values */
export interface PrepareStatement extends NodeBase {
  readonly kind: 'prepare'
  readonly name: string
  /** declared parameter types (PostgreSQL); arguments are cast to them, empty when none were written */
  readonly types: readonly TypeName[]
  readonly statement: Statement
  /** the prepared statement's own SQL text */
  readonly text: string
  /** how many parameters it takes: the highest $n, or the number of `?` */
  readonly parameterCount: number
}

/** EXECUTE name [(values)] */
export interface ExecuteStatement extends NodeBase { readonly kind: 'execute'; readonly name: string; readonly args: readonly Expr[] }

/** DEALLOCATE [PREPARE] name | ALL (name null) */
export interface DeallocateStatement extends NodeBase { readonly kind: 'deallocate'; readonly name: string | null }

/** ATTACH [DATABASE] [IF NOT EXISTS] 'path' [AS alias] [(READ_ONLY, ENCRYPTION_KEY 'k', TYPE t)] */
export interface AttachStatement extends NodeBase {
  readonly kind: 'attach'
  readonly path: Expr
  /** null = the file's stem */
  readonly alias: string | null
  readonly ifNotExists: boolean
  /** options as written (`name value` or a flag); checked by the binder */
  readonly options: readonly { readonly pos: number; readonly name: string; readonly value: Expr | null }[]
}

/** DETACH [DATABASE] [IF EXISTS] name */
export interface DetachStatement extends NodeBase { readonly kind: 'detach'; readonly name: string; readonly ifExists: boolean }

/** USE database | USE database.schema | USE schema */
export interface UseStatement extends NodeBase { readonly kind: 'use'; readonly name: QualifiedName }

/**
 * COPY t [(cols)] FROM 'path' [(options)], COPY t [(cols)] TO 'path' [(options)],
 * COPY (query) TO 'path' [(options)]. Legacy PostgreSQL options (`WITH (…)`, `DELIMITER ','`
 * without parentheses, `CSV HEADER`) arrive as the same option list.
 */
export interface CopyStatement extends NodeBase {
  readonly kind: 'copy'
  readonly direction: 'from' | 'to'
  readonly source:
    | { readonly kind: 'table'; readonly name: QualifiedName; readonly columns: readonly string[] | null }
    | { readonly kind: 'query'; readonly query: Query }
  readonly path: Expr
  readonly options: readonly CopyOption[]
}

/** EXPORT DATABASE 'dir' [(FORMAT parquet | csv, …COPY TO options)]: schema.sql, load.sql and one file per table */
export interface ExportDatabaseStatement extends NodeBase {
  readonly kind: 'export_database'
  readonly path: string
  readonly options: readonly CopyOption[]
}

/** IMPORT DATABASE 'dir': runs the folder's schema.sql then load.sql in one transaction */
export interface ImportDatabaseStatement extends NodeBase { readonly kind: 'import_database'; readonly path: string }

/** BACKUP TO 'dir': an incremental copy of the database file's blocks (core/storage/backup.ts) */
export interface BackupStatement extends NodeBase { readonly kind: 'backup'; readonly path: string }

/** RESTORE FROM 'dir' TO 'file' [(AS OF n)]: rebuilds a database file from a backup chain; asOf null = the latest */
export interface RestoreStatement extends NodeBase {
  readonly kind: 'restore'
  readonly from: string
  readonly to: string
  readonly asOf: number | null
}

/** `name value`, `name` alone (value null: a flag), or `name (a, b)` (names: a column list) */
export interface CopyOption extends NodeBase {
  readonly name: string
  readonly value: Expr | null
  readonly names: readonly string[] | null
}

// ---------------------------------------------------------------------------------------------
// Queries

export interface WithClause extends NodeBase {
  readonly recursive: boolean
  readonly ctes: readonly CommonTableExpr[]
}

export interface CommonTableExpr extends NodeBase {
  readonly name: string
  readonly columns: readonly string[] | null
  /** AS MATERIALIZED / AS NOT MATERIALIZED; null when unspecified */
  readonly materialized: boolean | null
  readonly query: Query
}

/** A full query expression: body plus the clauses that apply to the whole of it. */
export interface Query extends NodeBase {
  readonly kind: 'query'
  readonly with: WithClause | null
  readonly body: QueryBody
  readonly orderBy: readonly OrderItem[]
  /** ORDER BY ALL [ASC|DESC] [NULLS …]: sort by every output column left to right (descending as in OrderItem) */
  readonly orderByAll: { readonly descending: boolean | null; readonly nulls: 'first' | 'last' | null } | null
  readonly limit: Expr | null
  /** LIMIT n% (DuckDB) */
  readonly limitPercent: boolean
  readonly offset: Expr | null
}

export type QueryBody = SelectCore | SetOperation | ValuesBody | Query

export interface SelectCore extends NodeBase {
  readonly kind: 'select'
  /** false, true (DISTINCT), or the DISTINCT ON expressions */
  readonly distinct: boolean | readonly Expr[]
  readonly items: readonly SelectItem[]
  /** FROM list; comma-separated entries are cross joined. Empty when there is no FROM. */
  readonly from: readonly TableRef[]
  readonly where: Expr | null
  readonly groupBy: GroupBy | null
  readonly having: Expr | null
  readonly windows: readonly NamedWindow[]
  readonly qualify: Expr | null
  /** DuckDB's USING SAMPLE after the whole SELECT: samples the FROM clause's rows, before WHERE */
  readonly sample?: TableSample
}

export interface SelectItem extends NodeBase {
  /** may be a 'star' expression */
  readonly expr: Expr
  readonly alias: string | null
}

export type GroupBy =
  | { readonly kind: 'group_all'; readonly pos: number }
  | { readonly kind: 'group_list'; readonly pos: number; readonly items: readonly GroupingElement[] }

export type GroupingElement =
  | { readonly kind: 'group_expr'; readonly pos: number; readonly expr: Expr }
  /** `()` */
  | { readonly kind: 'group_empty'; readonly pos: number }
  /** ROLLUP (a, (b, c)): each entry is one column or a parenthesised column group */
  | { readonly kind: 'rollup'; readonly pos: number; readonly items: readonly (readonly Expr[])[] }
  | { readonly kind: 'cube'; readonly pos: number; readonly items: readonly (readonly Expr[])[] }
  | { readonly kind: 'grouping_sets'; readonly pos: number; readonly sets: readonly GroupingElement[] }

export interface NamedWindow extends NodeBase { readonly name: string; readonly spec: WindowSpec }

export interface SetOperation extends NodeBase {
  readonly kind: 'set_operation'
  readonly op: 'union' | 'intersect' | 'except'
  readonly all: boolean
  /** UNION BY NAME */
  readonly byName: boolean
  readonly left: QueryBody
  readonly right: QueryBody
}

export interface ValuesBody extends NodeBase {
  readonly kind: 'values'
  readonly rows: readonly (readonly Expr[])[]
}

export interface OrderItem extends NodeBase {
  readonly expr: Expr
  /** true for DESC, false for ASC, null when neither is written (the default_order setting decides) */
  readonly descending: boolean | null
  /** null = default (NULLS LAST for ASC, NULLS FIRST for DESC, as PostgreSQL) */
  readonly nulls: 'first' | 'last' | null
}

// ---------------------------------------------------------------------------------------------
// FROM

export type TableRef = BaseTableRef | SubqueryRef | FunctionRef | FileRef | JoinRef

export interface TableAlias extends NodeBase {
  readonly name: string
  /** column aliases: t(a, b) */
  readonly columns: readonly string[] | null
}

export interface BaseTableRef extends NodeBase {
  readonly kind: 'table_ref'
  readonly name: QualifiedName
  readonly alias: TableAlias | null
  /** TABLESAMPLE after the table (PostgreSQL, DuckDB) */
  readonly sample?: TableSample
}

/**
 * A table sample as written: PostgreSQL's `TABLESAMPLE BERNOULLI (10) REPEATABLE (1)` or
 * DuckDB's `USING SAMPLE 10%`, `5 ROWS`, `reservoir(5 ROWS)`, `10 PERCENT (bernoulli, 42)`.
 */
export interface TableSample extends NodeBase {
  /** as written (lower case), null when only a size was given */
  readonly method: string | null
  readonly size: Expr
  /** null: a bare number (DuckDB: rows) or a PostgreSQL method's argument (percent) */
  readonly unit: 'percent' | 'rows' | null
  readonly seed: Expr | null
}

export interface SubqueryRef extends NodeBase {
  readonly kind: 'subquery_ref'
  readonly query: Query
  readonly alias: TableAlias | null
  readonly lateral: boolean
  /** ARRAY(q)'s inner query: it must return exactly one column (the alias names only the first) */
  readonly singleColumn?: boolean
  /** TABLESAMPLE after the subquery (DuckDB) */
  readonly sample?: TableSample
}

/** A table function in FROM: range(10), read_csv('x.csv', delim = ';'), unnest([1,2]) */
export interface FunctionRef extends NodeBase {
  readonly kind: 'function_ref'
  readonly name: QualifiedName
  /** positional arguments, and named ones as Expr of kind 'named_arg' */
  readonly args: readonly Expr[]
  readonly alias: TableAlias | null
  readonly lateral: boolean
  /** WITH ORDINALITY */
  readonly ordinality: boolean
}

/** FROM 'data/sales.csv': a file path whose reader is picked by the format hooks. */
export interface FileRef extends NodeBase {
  readonly kind: 'file_ref'
  readonly path: string
  /** FROM ['a.csv', 'b.csv']: every file (path is the first) */
  readonly paths?: readonly string[]
  readonly alias: TableAlias | null
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross' | 'semi' | 'anti' | 'positional' | 'asof'

export interface JoinRef extends NodeBase {
  readonly kind: 'join'
  readonly type: JoinType
  /** ASOF LEFT JOIN: type 'asof' with asofOuter */
  readonly asofOuter: boolean
  /** ASOF SEMI / ASOF ANTI JOIN: type 'asof' keeping only left rows with / without a match */
  readonly asofFilter?: 'semi' | 'anti'
  readonly natural: boolean
  readonly left: TableRef
  readonly right: TableRef
  readonly on: Expr | null
  readonly using: readonly string[] | null
}

// ---------------------------------------------------------------------------------------------
// Types as written

export interface TypeName extends NodeBase {
  /** upper-cased base name as written: 'INTEGER', 'INT4', 'VARCHAR', 'DECIMAL', 'STRUCT', … */
  readonly name: string
  /** (p, s) or (n) parameters */
  readonly params: readonly number[]
  /** STRUCT(a INT, b VARCHAR) fields; MAP(K, V) uses two unnamed entries with name '' */
  readonly fields: readonly { readonly name: string; readonly type: TypeName }[]
  /** trailing [] / [n] suffixes, innermost first: INT[] → [null], FLOAT[3] → [3], INT[][] → [null, null] */
  readonly arrayDims: readonly (number | null)[]
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | NumberLiteral | StringLiteral | BooleanLiteral | NullLiteral | TypedLiteral | IntervalLiteral
  | ColumnRef | PositionalRef | Star | Parameter | DefaultExpr
  | UnaryExpr | BinaryExpr | LikeExpr | IsNullExpr | IsDistinctExpr | IsBoolExpr
  | BetweenExpr | InListExpr | InSubqueryExpr | ExistsExpr | SubqueryExpr | QuantifiedExpr
  | CaseExpr | CastExpr | FunctionCall | NamedArg
  | ListExpr | StructExpr | RowExpr | SubscriptExpr | SliceExpr | FieldAccess
  | LambdaExpr | CollateExpr

/** Numeric literal as written (`42`, `3.14`, `1e10`, `0x1F`); the binder types it. */
export interface NumberLiteral extends NodeBase { readonly kind: 'number'; readonly text: string }
export interface StringLiteral extends NodeBase { readonly kind: 'string'; readonly value: string }
export interface BooleanLiteral extends NodeBase { readonly kind: 'boolean'; readonly value: boolean }
export interface NullLiteral extends NodeBase { readonly kind: 'null' }
/** DATE '2024-01-01', TIMESTAMP '…', BLOB '\x00', any `TYPE 'text'` */
export interface TypedLiteral extends NodeBase { readonly kind: 'typed_literal'; readonly type: TypeName; readonly value: string }
/** INTERVAL '1 day', INTERVAL 3 DAY, INTERVAL (x) HOUR; unit lower-case singular ('day', 'hour', …) or null */
export interface IntervalLiteral extends NodeBase { readonly kind: 'interval'; readonly value: Expr; readonly unit: string | null }

/** `col`, `t.col`, `s.t.col`, or `t.col.field` (the binder decides) */
export interface ColumnRef extends NodeBase { readonly kind: 'column'; readonly parts: readonly string[] }
/** `#n` (DuckDB): the n-th column (from 1) of the innermost FROM clause */
export interface PositionalRef extends NodeBase { readonly kind: 'positional'; readonly index: number }

/** `*`, `t.*`, with DuckDB's EXCLUDE (…) and REPLACE (expr AS name, …); also COUNT(*)'s star */
export interface Star extends NodeBase {
  readonly kind: 'star'
  readonly qualifier: QualifiedName | null
  readonly exclude: readonly string[]
  readonly replace: readonly { readonly expr: Expr; readonly name: string }[]
  /** RENAME (a AS b, t.c AS d): `name` keeps its qualifier as written ('t.c'); absent = none */
  readonly rename?: readonly { readonly name: string; readonly to: string }[]
}

/** `$1` (index 1) or `?` (numbered left to right from 1) */
export interface Parameter extends NodeBase { readonly kind: 'parameter'; readonly index: number }

/** DEFAULT in VALUES or SET */
export interface DefaultExpr extends NodeBase { readonly kind: 'default' }

export interface UnaryExpr extends NodeBase { readonly kind: 'unary'; readonly op: '-' | '+' | 'not' | '~'; readonly operand: Expr }

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '//' | '%' | '^' | '**' | '||'
  | '=' | '<>' | '<' | '<=' | '>' | '>='
  | 'and' | 'or'
  | '&' | '|' | '<<' | '>>'
  /** pgvector-style and other custom operators; the binder resolves them through the function registry */
  | '<->' | '<=>' | '<#>' | '@>' | '<@' | '&&' | '->>' | '->' | '~~' | '!~~' | '~' | '!~' | '~*' | '!~*'

export interface BinaryExpr extends NodeBase { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }

export interface LikeExpr extends NodeBase {
  readonly kind: 'like'
  readonly not: boolean
  /** 'like' | 'ilike' | 'glob' | 'similar' */
  readonly op: 'like' | 'ilike' | 'glob' | 'similar'
  readonly expr: Expr
  readonly pattern: Expr
  readonly escape: Expr | null
}

export interface IsNullExpr extends NodeBase { readonly kind: 'is_null'; readonly not: boolean; readonly expr: Expr }
export interface IsDistinctExpr extends NodeBase { readonly kind: 'is_distinct'; readonly not: boolean; readonly left: Expr; readonly right: Expr }
/** x IS [NOT] TRUE / FALSE / UNKNOWN (value null) */
export interface IsBoolExpr extends NodeBase { readonly kind: 'is_bool'; readonly not: boolean; readonly value: boolean | null; readonly expr: Expr }

export interface BetweenExpr extends NodeBase {
  readonly kind: 'between'
  readonly not: boolean
  readonly symmetric: boolean
  readonly expr: Expr
  readonly low: Expr
  readonly high: Expr
}

export interface InListExpr extends NodeBase { readonly kind: 'in_list'; readonly not: boolean; readonly expr: Expr; readonly list: readonly Expr[] }
export interface InSubqueryExpr extends NodeBase { readonly kind: 'in_subquery'; readonly not: boolean; readonly expr: Expr; readonly query: Query }
export interface ExistsExpr extends NodeBase { readonly kind: 'exists'; readonly not: boolean; readonly query: Query }
/** scalar subquery: (SELECT …) */
export interface SubqueryExpr extends NodeBase {
  readonly kind: 'subquery'
  readonly query: Query
  /** set when the parser wrote this subquery for ARRAY(q): the query as written, to name the column */
  readonly arrayOf?: Query
}
/** x op ANY (subquery) / x op ALL (subquery); SOME is ANY */
export interface QuantifiedExpr extends NodeBase {
  readonly kind: 'quantified'
  readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='
  readonly quantifier: 'any' | 'all'
  readonly left: Expr
  readonly query: Query
}

export interface CaseExpr extends NodeBase {
  readonly kind: 'case'
  /** CASE operand WHEN … (simple form) or null (searched form) */
  readonly operand: Expr | null
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[]
  readonly else: Expr | null
  /** set when the parser wrote this CASE for `x op ANY / ALL (list)`: names the column as written */
  readonly listQuantifier?: { readonly left: Expr; readonly op: string; readonly quantifier: 'any' | 'all'; readonly list: Expr }
}

/** CAST(x AS t), x::t, TRY_CAST(x AS t) */
export interface CastExpr extends NodeBase { readonly kind: 'cast'; readonly expr: Expr; readonly type: TypeName; readonly try: boolean }

/**
 * A function call. Special syntax is desugared by the parser into ordinary calls:
 * EXTRACT(part FROM x) → date_part('part', x); POSITION(a IN b) → position(a, b);
 * SUBSTRING(x FROM a FOR b) → substring(x, a, b); TRIM([LEADING|TRAILING|BOTH] c FROM x) →
 * trim/ltrim/rtrim(x, c); OVERLAY, COALESCE, NULLIF, GREATEST, LEAST, IF, etc. are plain calls.
 */
export interface FunctionCall extends NodeBase {
  readonly kind: 'function'
  /** lower-cased, possibly schema-qualified */
  readonly name: QualifiedName
  /** arguments; `f(*)` has one 'star' argument; named arguments are 'named_arg' */
  readonly args: readonly Expr[]
  readonly distinct: boolean
  /** ORDER BY inside the call: string_agg(x, ',' ORDER BY y) */
  readonly orderBy: readonly OrderItem[]
  /** WITHIN GROUP (ORDER BY …) for ordered-set aggregates */
  readonly withinGroup: readonly OrderItem[]
  readonly filter: Expr | null
  /** IGNORE NULLS / RESPECT NULLS */
  readonly ignoreNulls: boolean
  /** RESPECT NULLS written out (the default, but refused where IGNORE NULLS would be) */
  readonly respectNulls?: true
  readonly over: WindowSpec | null
}

/** name := value, name => value (function and table-function arguments) */
export interface NamedArg extends NodeBase { readonly kind: 'named_arg'; readonly name: string; readonly value: Expr }

/** [1, 2, 3] and ARRAY[1, 2, 3] */
export interface ListExpr extends NodeBase { readonly kind: 'list'; readonly items: readonly Expr[] }
/** {'a': 1, 'b': 'x'} */
export interface StructExpr extends NodeBase { readonly kind: 'struct'; readonly fields: readonly { readonly name: string; readonly value: Expr }[] }
/** ROW(a, b) and (a, b) in expression position */
export interface RowExpr extends NodeBase { readonly kind: 'row'; readonly items: readonly Expr[] }
/** x[i] (1-based, as DuckDB and PostgreSQL) */
export interface SubscriptExpr extends NodeBase { readonly kind: 'subscript'; readonly expr: Expr; readonly index: Expr }
/** x[a:b] */
export interface SliceExpr extends NodeBase { readonly kind: 'slice'; readonly expr: Expr; readonly from: Expr | null; readonly to: Expr | null }
/** (expr).field */
export interface FieldAccess extends NodeBase { readonly kind: 'field'; readonly expr: Expr; readonly field: string }
/** x -> x + 1, (a, b) -> a + b: DuckDB list-function lambdas */
export interface LambdaExpr extends NodeBase { readonly kind: 'lambda'; readonly params: readonly string[]; readonly body: Expr }
export interface CollateExpr extends NodeBase { readonly kind: 'collate'; readonly expr: Expr; readonly collation: string }

export interface WindowSpec extends NodeBase {
  /** OVER w or OVER (w ORDER BY …): the named window this one builds on */
  readonly base: string | null
  /** OVER (w …) / WINDOW x AS (w …): the base is copied, which a window with a frame may not be */
  readonly copiesBase?: true
  readonly partitionBy: readonly Expr[]
  readonly orderBy: readonly OrderItem[]
  readonly frame: WindowFrame | null
}

export interface WindowFrame extends NodeBase {
  readonly units: 'rows' | 'range' | 'groups'
  readonly start: FrameBound
  readonly end: FrameBound
  readonly exclude: 'no_others' | 'current_row' | 'group' | 'ties'
}

export type FrameBound =
  | { readonly kind: 'unbounded_preceding' }
  | { readonly kind: 'preceding'; readonly offset: Expr }
  | { readonly kind: 'current_row' }
  | { readonly kind: 'following'; readonly offset: Expr }
  | { readonly kind: 'unbounded_following' }

export type StatementKind = Statement['kind']
export type ExprKind = Expr['kind']
