// Dispatches contract calls: refuses unknown methods, validates params with the contract's schemas, maps errors.
import { isMethodName, methods, type MethodName, type Params, type Result } from '../../preload/contract.ts';

export type Handlers = { [M in MethodName]: (params: Params<M>) => Promise<Result<M>> };

export class RequestError extends Error {
  constructor(message: string, readonly code: 'unknown-method' | 'bad-params' | 'failed') {
    super(message);
  }
}

export function createRouter(handlers: Handlers, log: (line: string) => void = () => undefined) {
  return async function dispatch(method: unknown, params: unknown): Promise<unknown> {
    if (!isMethodName(method)) {
      log(`refused unknown method ${JSON.stringify(method)?.slice(0, 100)}`);
      throw new RequestError(`unknown method ${String(method).slice(0, 100)}`, 'unknown-method');
    }
    const parsed = methods[method].params.safeParse(params ?? {});
    if (!parsed.success) {
      log(`refused ${method}: ${parsed.error.message.slice(0, 500)}`);
      throw new RequestError(`invalid parameters for ${method}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'bad-params');
    }
    const handler = handlers[method] as (p: unknown) => Promise<unknown>;
    try {
      return await handler(parsed.data);
    } catch (e) {
      throw new RequestError((e as Error).message, 'failed');
    }
  };
}
export type Dispatch = ReturnType<typeof createRouter>;
