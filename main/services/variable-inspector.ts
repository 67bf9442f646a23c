// The variable inspector's two silent requests: the kernel's user variables (name, type, shape or length, memory),
// and one DataFrame's or Series' columns, dtypes, null counts and first rows. Both are execute_requests with
// `silent: true`, empty code and a `user_expressions` entry, like KernelService.frames(): no execution count, no `_`
// or `Out`, no pre/post-run hooks. The Python runs in a private dict passed to exec, so no name lands in the user's
// namespace; it calls repr() or str() only of objects whose class is builtin (numbers, strings) or comes from numpy,
// pandas' scalars, datetime or decimal, never of a user's class, so a slow or raising `__repr__` costs nothing.
// A kernel busy with a cell answers after it: the request then gives up after a short wait
// and says so (`answered: false`), and no second request is sent to that kernel until it has answered the first.
import type { Kernel } from '@jupyterlab/services';
import { z } from 'zod';
import type { KernelVariable, KernelVariableDetail, KernelVariables } from '../../preload/contract.ts';
import { LATE, silentExpression } from './silent-request.ts';

/** At most this many names travel (data first: frames, arrays, tensors; then the rest, by name); `total` counts all. */
export const MAX_VARIABLES = 2000;
/** Past this much time in the kernel the rest of the list goes without shapes and sizes (a namespace of huge frames). */
const DETAIL_BUDGET_S = 0.05;
/** Waits for an idle kernel (it starts at once) and for a busy one (it would answer only after its cell). */
export const IDLE_TIMEOUT_MS = 5000;
export const BUSY_TIMEOUT_MS = 1000;
/** A frame's null counts read the whole column: on an idle kernel the user, who asked, waits longer. */
const DETAIL_TIMEOUT_MS = 15_000;
/** DataFrame detail: columns shown, rows previewed, characters per preview cell. */
const DETAIL_COLUMNS = 200;
const DETAIL_ROWS = 5;
const CELL_CHARS = 40;

/**
 * Defines `gds_list(ns, limit, budget)` and `gds_detail(ns, name, ncols, nrows, width)` in the private dict. Objects
 * are only asked for what C code or the data libraries answer cheaply: `len()` when the class's `__len__` is a C slot
 * of a builtin container, `.shape` / `.nbytes` / `memory_usage(deep=False)` on numpy, pandas and tensor objects,
 * `sys.getsizeof` of builtin objects. Attribute lookups on anything else could run user code (`__getattr__`).
 */
const PYTHON = String.raw`
import sys, time, types

SKIP_NAMES = {'In', 'Out', 'exit', 'quit', 'get_ipython'}
SKIP_TYPES = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)
SKIP_TYPE_NAMES = {'ufunc', '_ArrayFunctionDispatcher', '_lru_cache_wrapper', 'cython_function_or_method', 'fused_cython_function'}
DATA_MODULES = {'numpy', 'pandas', 'torch', 'polars', 'scipy', 'xarray', 'tensorflow', 'jax', 'jaxlib'}
SIZED = (list, tuple, dict, set, frozenset, str, bytes, bytearray, range)
SHALLOW_SIZE_MODULES = {'builtins', 'collections', 'datetime', 'decimal'}
C_CODE = {'wrapper_descriptor', 'method_descriptor', 'builtin_function_or_method', 'method-wrapper'}
MISSING = object()
# The type's own descriptors: a metaclass can make t.__name__ or t.__module__ run code, these never do.
NAME_OF = type.__dict__['__name__'].__get__
MODULE_OF = type.__dict__['__module__'].__get__

class Json:
    def __init__(self, value):
        self.value = value
    def _repr_json_(self):
        return self.value

def module_of(t):
    m = MODULE_OF(t)
    return m if isinstance(m, str) else ''

def top_module(t):
    return module_of(t).split('.', 1)[0]

def type_name(t):
    n = NAME_OF(t)
    return n if isinstance(n, str) else '?'

def c_impl(t, attr):
    f = getattr(t, attr, None)
    return f is not None and type(f).__name__ in C_CODE

def is_scalar(t):
    return t is bool or t is int or t is float or t is complex or t is type(None)

def hidden_names():
    try:
        ip = sys.modules['IPython'].get_ipython()
        h = ip.user_ns_hidden if ip is not None else {}
        return h if isinstance(h, dict) else {}
    except Exception:
        return {}

def sub(t, module, cls):
    m = sys.modules.get(module)
    c = getattr(m, cls, None) if m is not None else None
    return isinstance(c, type) and issubclass(t, c)

def int_list(s):
    if isinstance(s, tuple) and len(s) <= 64 and all(type(n) is int for n in s):
        return list(s)
    return None

def scalar_text(v, t):
    if t is str:
        return repr(v[:80]) + ('…' if len(v) > 80 else '')
    if t is bytes:
        return repr(v[:40]) + ('…' if len(v) > 40 else '')
    if t is int:
        return repr(v) if v.bit_length() <= 64 else None
    if is_scalar(t):
        return repr(v)
    np = sys.modules.get('numpy')
    if np is not None and top_module(t) == 'numpy' and (issubclass(t, np.number) or issubclass(t, np.bool_)):
        x = v.item()
        return scalar_text(x, type(x)) if is_scalar(type(x)) else None
    return None

def entry(n, v, t, top, name, detailed):
    e = [n, name, None, None, None, None, None, None]
    try:
        if top == 'pandas' and sub(t, 'pandas', 'DataFrame'):
            e[7] = 'frame'
        elif top == 'pandas' and sub(t, 'pandas', 'Series'):
            e[7] = 'series'
        if not detailed:
            return e
        if top in DATA_MODULES:
            e[2] = int_list(getattr(v, 'shape', None))
            index = top == 'pandas' and sub(t, 'pandas', 'Index')
            if top == 'numpy' or e[7] == 'series' or index:
                d = getattr(v, 'dtype', None)
                e[5] = str(d) if d is not None else None
            if top == 'numpy':
                b = getattr(v, 'nbytes', None)
                e[4] = b if type(b) is int else None
            elif e[7] or index:
                m = v.memory_usage(deep=False)
                e[4] = int(m.sum()) if e[7] == 'frame' else int(m)
            elif top == 'torch' and sub(t, 'torch', 'Tensor'):
                e[5] = str(v.dtype)
                e[4] = int(v.element_size()) * int(v.nelement())
        elif issubclass(t, SIZED) and c_impl(t, '__len__'):
            e[3] = len(v)
        e[6] = scalar_text(v, t)
        if e[4] is None and top in SHALLOW_SIZE_MODULES and c_impl(t, '__sizeof__'):
            e[4] = sys.getsizeof(v)
    except Exception:
        pass
    return e

def gds_list(ns, limit, budget):
    start = time.perf_counter()
    hidden = hidden_names()
    # What each class is, worked out once per class: a namespace of 10,000 names holds a few dozen classes.
    classes = {}
    data, rest = [], []
    for n, v in list(ns.items()):
        if type(n) is not str or n[:1] == '_' or n in SKIP_NAMES or hidden.get(n, MISSING) is v:
            continue
        t = type(v)
        c = classes.get(id(t))
        if c is None:
            name, top = type_name(t), top_module(t)
            c = classes[id(t)] = (issubclass(t, SKIP_TYPES) or name in SKIP_TYPE_NAMES, top in DATA_MODULES, top, name)
        if not c[0]:
            (data if c[1] else rest).append((n, v, t, c))
    chosen = data[:limit] + rest[:max(0, limit - len(data))]
    chosen.sort(key=lambda e: (e[0].lower(), e[0]))
    deadline = start + budget
    out = [entry(n, v, t, c[2], c[3], time.perf_counter() < deadline) for n, v, t, c in chosen]
    return Json({'total': len(data) + len(rest), 'variables': out, 'ms': (time.perf_counter() - start) * 1000})

def text(x, width, depth=0):
    t = type(x)
    np = sys.modules.get('numpy')
    if t is str:
        s = x[:width + 1]
    elif is_scalar(t) or t is bytes:
        s = scalar_text(x, t) or ('<' + type_name(t) + '>')
    elif t is tuple and depth == 0 and len(x) <= 8:
        s = '(' + ', '.join(text(i, width, 1) for i in x) + ')'
    elif np is not None and top_module(t) == 'numpy' and issubclass(t, np.generic):
        s = str(x)
    elif top_module(t) in ('datetime', 'decimal') or module_of(t).startswith('pandas._libs'):
        s = str(x)
    elif issubclass(t, SIZED) and c_impl(t, '__len__'):
        s = '<' + type_name(t) + ', ' + str(len(x)) + ' items>'
    else:
        s = '<' + type_name(t) + '>'
    return s if len(s) <= width else s[:width - 1] + '…'

def column(label, col, n, width, deadline):
    nulls = n - int(col.count()) if time.perf_counter() < deadline else None
    return [text(label, width), str(col.dtype), nulls]

def gds_detail(ns, name, ncols, nrows, width):
    v = ns.get(name, MISSING)
    if v is MISSING:
        return Json({'found': False})
    t = type(v)
    out = {'found': True, 'type': type_name(t), 'shape': None, 'columns': [], 'columnsTotal': 0, 'index': [], 'rows': []}
    frame, series = sub(t, 'pandas', 'DataFrame'), sub(t, 'pandas', 'Series')
    if not (frame or series):
        return Json(out)
    deadline = time.perf_counter() + 10
    n = len(v.index)
    out['shape'] = int_list(v.shape)
    head = v.iloc[:nrows]
    out['index'] = [text(i, width) for i in list(head.index)]
    if series:
        out['columnsTotal'] = 1
        out['columns'] = [column(v.name if v.name is not None else '', v, n, width, deadline)]
        out['rows'] = [[text(x, width)] for x in head.tolist()]
        return Json(out)
    out['columnsTotal'] = len(v.columns)
    cols = [column(v.columns[j], v.iloc[:, j], n, width, deadline) for j in range(min(ncols, len(v.columns)))]
    values = [head.iloc[:, j].tolist() for j in range(len(cols))]
    out['columns'] = cols
    out['rows'] = [[text(values[j][i], width) for j in range(len(cols))] for i in range(len(head.index))]
    return Json(out)
`;

/** An expression that runs PYTHON in a fresh private dict and calls its function `fn` on the user's namespace. */
function expression(fn: 'gds_list' | 'gds_detail', args: string): string {
  // `b.globals()` inside the lambda is the namespace the kernel evaluates user expressions in: the user's. Builtins are
  // reached through the module, as a user's `len = 3` or `type = 'x'` would shadow the bare names.
  return `(lambda b: (lambda g: (b.exec(${JSON.stringify(PYTHON)}, g), g['${fn}'](b.globals(), ${args}))[1])({'__builtins__': b}))(__import__('builtins'))`;
}

const ListSchema = z.object({
  total: z.number().int(),
  ms: z.number(),
  variables: z.array(z.tuple([
    z.string(), z.string(), z.array(z.number().int()).nullable(), z.number().int().nullable(), z.number().int().nullable(),
    z.string().nullable(), z.string().nullable(), z.enum(['frame', 'series']).nullable(),
  ])),
});

const DetailSchema = z.union([
  z.object({ found: z.literal(false) }),
  z.object({
    found: z.literal(true),
    type: z.string(),
    shape: z.array(z.number().int()).nullable(),
    columns: z.array(z.tuple([z.string(), z.string(), z.number().int().nullable()])),
    columnsTotal: z.number().int(),
    index: z.array(z.string()),
    rows: z.array(z.array(z.string())),
  }),
]);

/** The JSON value of the one user expression, LATE when the kernel did not answer in time, or throws its error. */
async function evaluate(conn: Kernel.IKernelConnection, expr: string, idleTimeoutMs: number): Promise<unknown> {
  const result = await silentExpression(conn, expr, conn.status === 'idle' ? idleTimeoutMs : BUSY_TIMEOUT_MS);
  if (result === LATE) return LATE;
  if (result?.status !== 'ok') throw new Error(`the kernel could not list its variables: ${result?.ename ?? 'no answer'}: ${result?.evalue ?? ''}`);
  return result.data?.['application/json'];
}

/** The user's variables, read silently; `answered: false` (and no variables) when the kernel was busy too long. */
export async function listVariables(conn: Kernel.IKernelConnection, idleTimeoutMs = IDLE_TIMEOUT_MS): Promise<KernelVariables> {
  const started = performance.now();
  const value = await evaluate(conn, expression('gds_list', `${MAX_VARIABLES}, ${DETAIL_BUDGET_S}`), idleTimeoutMs);
  if (value === LATE) return { answered: false, variables: [], total: 0, kernelMs: null, ms: performance.now() - started };
  const parsed = ListSchema.parse(value);
  const variables = parsed.variables.map(([name, type, shape, length, bytes, dtype, value, kind]): KernelVariable =>
    ({ name, type, shape, length, bytes, dtype, value, kind }));
  return { answered: true, variables, total: parsed.total, kernelMs: parsed.ms, ms: performance.now() - started };
}

/** One DataFrame's or Series' columns (dtype, nulls) and first rows as text; `found: false` when the name is gone. */
export async function describeVariable(conn: Kernel.IKernelConnection, name: string, idleTimeoutMs = DETAIL_TIMEOUT_MS): Promise<KernelVariableDetail> {
  // A JSON string is a valid Python string literal: the name cannot break out of it.
  const args = `${JSON.stringify(name)}, ${DETAIL_COLUMNS}, ${DETAIL_ROWS}, ${CELL_CHARS}`;
  const value = await evaluate(conn, expression('gds_detail', args), idleTimeoutMs);
  const empty = { name, found: false, type: '', shape: null, columns: [], columnsTotal: 0, index: [], rows: [] };
  if (value === LATE) return { ...empty, answered: false };
  const d = DetailSchema.parse(value);
  if (!d.found) return { ...empty, answered: true };
  const columns = d.columns.map(([label, dtype, nulls]) => ({ name: label, dtype, nulls }));
  return { answered: true, name, found: true, type: d.type, shape: d.shape, columns, columnsTotal: d.columnsTotal, index: d.index, rows: d.rows };
}
