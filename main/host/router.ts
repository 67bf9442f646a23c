// Dispatches contract calls: refuses unknown methods, validates params with the contract's schemas, maps errors, and
// outside production checks each result against the method's result schema (a drifted service fails where it drifts).
import type { z } from 'zod';
import { isMethodName, methods, type MethodName, type Params, type Result } from '../../preload/contract.ts';

export type Handlers = { [M in MethodName]: (params: Params<M>) => Promise<Result<M>> };

export class RequestError extends Error {
  constructor(message: string, readonly code: 'unknown-method' | 'bad-params' | 'bad-result' | 'failed') {
    super(message);
  }
}

export interface RouterOptions {
  /** Check every result against its schema; default: `resultChecksOn()`. */
  checkResults?: boolean;
}

/**
 * Whether results are checked: `GDS_CHECK_RESULTS=1`/`0` decides when set, else everywhere but `NODE_ENV=production`.
 * The check costs a walk over the result (a notebook on open), so packaged builds turn it off.
 */
export function resultChecksOn(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.GDS_CHECK_RESULTS === '1' || env.GDS_CHECK_RESULTS === '0') return env.GDS_CHECK_RESULTS === '1';
  return env.NODE_ENV !== 'production';
}

/** `kernel.execute returned a result that does not match the contract: durationMs: expected a number` (first 5 fields). */
export function resultMismatch(method: MethodName, error: z.ZodError): string {
  const fields = error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(the result)'}: ${i.message}`);
  return `${method} returned a result that does not match the contract: ${fields.join('; ')}`;
}

export function createRouter(handlers: Handlers, log: (line: string) => void = () => undefined, options: RouterOptions = {}) {
  const checkResults = options.checkResults ?? resultChecksOn();
  return async function dispatch(method: unknown, params: unknown): Promise<unknown> {
    if (!isMethodName(method)) {
      log(`refused unknown method ${JSON.stringify(method)?.slice(0, 100)}`);
      throw new RequestError(`unknown method ${String(method).slice(0, 100)}`, 'unknown-method');
    }
    const parsed = methods[method].params.safeParse(params ?? {});
    if (!parsed.success) {
      log(`refused ${method}: ${parsed.error.message.slice(0, 500)}`);
      const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new RequestError(`invalid parameters for ${method}: ${fields}`, 'bad-params');
    }
    const handler = handlers[method] as (p: unknown) => Promise<unknown>;
    let result: unknown;
    try {
      result = await handler(parsed.data);
    } catch (e) {
      throw new RequestError((e as Error).message, 'failed');
    }
    if (checkResults) {
      // Checked, not parsed: the caller gets the handler's own object (parsing would copy it and drop unknown keys).
      const checked = (methods[method].result as z.ZodType).safeParse(result);
      if (!checked.success) {
        const message = resultMismatch(method, checked.error);
        log(message);
        throw new RequestError(message, 'bad-result');
      }
    }
    return result;
  };
}
export type Dispatch = ReturnType<typeof createRouter>;
