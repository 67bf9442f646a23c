// Kaggle API client over the RPC routes (POST /v1/<svc>/<method>) or the legacy REST routes, with throttling and 429 backoff.
import { authorizationHeader, type KaggleCredentials } from './credentials.ts';

export type ErrorClass = 'rate_limited' | 'transient' | 'auth' | 'forbidden' | 'not_found' | 'bad_payload';

export class KaggleApiError extends Error {
  constructor(
    readonly kind: ErrorClass,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  credentials: KaggleCredentials;
  /** RPC host (default https://api.kaggle.com, or GDS_KAGGLE_API_URL). */
  baseUrl?: string;
  /** Legacy host (default https://www.kaggle.com, or GDS_KAGGLE_LEGACY_URL, else baseUrl when that is set). */
  legacyUrl?: string;
  transport?: 'rpc' | 'legacy';
  /** Minimum gap between requests; Kaggle publishes no limits, KGTorrent used 1 s. */
  minIntervalMs?: number;
  /** Bounds applied to Retry-After (it is reported not to reflect the real wait). */
  retryAfterFloorMs?: number;
  retryAfterCeilMs?: number;
  /** Consecutive 429s before giving up (a circuit breaker); 5xx/network retries. */
  max429?: number;
  maxRetries?: number;
  backoffBaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof globalThis.fetch;
}

type Json = Record<string, unknown>;

export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function classify(status: number): ErrorClass {
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status >= 500) return 'transient';
  return 'bad_payload';
}

/** Both error shapes: Google-style `{"error": {code, message}}` and legacy `{code, message}` (even with a 2xx status). */
function errorIn(body: unknown): { code: number; message: string } | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Json;
  const e = (typeof b.error === 'object' && b.error !== null ? b.error : b) as Json;
  const code = Number(e.code);
  if (Number.isFinite(code) && code >= 400) return { code, message: String(e.message ?? 'error') };
  return null;
}

export class KaggleClient {
  private nextAt = 0;
  private readonly o: Required<Omit<ClientOptions, 'credentials' | 'baseUrl' | 'legacyUrl'>> & { baseUrl: string; legacyUrl: string };

  constructor(private readonly opts: ClientOptions) {
    const env = process.env;
    const baseUrl = (opts.baseUrl ?? env.GDS_KAGGLE_API_URL ?? 'https://api.kaggle.com').replace(/\/$/, '');
    this.o = {
      baseUrl,
      legacyUrl: (
        opts.legacyUrl ??
        env.GDS_KAGGLE_LEGACY_URL ??
        (opts.baseUrl || env.GDS_KAGGLE_API_URL ? baseUrl : 'https://www.kaggle.com')
      ).replace(/\/$/, ''),
      transport: opts.transport ?? 'rpc',
      minIntervalMs: opts.minIntervalMs ?? 1000,
      retryAfterFloorMs: opts.retryAfterFloorMs ?? 5000,
      retryAfterCeilMs: opts.retryAfterCeilMs ?? 15 * 60_000,
      max429: opts.max429 ?? 8,
      maxRetries: opts.maxRetries ?? 4,
      backoffBaseMs: opts.backoffBaseMs ?? 2000,
      sleep: opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      fetch: opts.fetch ?? globalThis.fetch.bind(globalThis),
    };
  }

  get transport(): 'rpc' | 'legacy' {
    return this.o.transport;
  }

  private async throttle(): Promise<void> {
    const wait = this.nextAt - Date.now();
    if (wait > 0) await this.o.sleep(wait);
    this.nextAt = Date.now() + this.o.minIntervalMs;
  }

  private backoff(attempt: number): number {
    return this.o.backoffBaseMs * 1.7 ** attempt * (0.5 + Math.random());
  }

  /** One call with retries: 429 waits (Retry-After, bounded) without counting as a failure; 5xx/network retry with backoff. */
  async call(
    rpc: { service: string; method: string; body: Json },
    legacy: { path: string; query?: Record<string, string | number | undefined> },
  ): Promise<unknown> {
    let url: string;
    let init: RequestInit;
    const headers: Record<string, string> = {
      Authorization: authorizationHeader(this.opts.credentials),
      'User-Agent': 'kaggle-api/v1.8.0',
      Accept: 'application/json',
    };
    if (this.o.transport === 'rpc') {
      url = `${this.o.baseUrl}/v1/${rpc.service}/${rpc.method}`;
      init = { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(rpc.body) };
    } else {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(legacy.query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
      url = `${this.o.legacyUrl}/api/v1/${legacy.path}${q.size ? `?${q}` : ''}`;
      init = { method: 'GET', headers };
    }
    let limited = 0;
    let failures = 0;
    for (;;) {
      await this.throttle();
      let res: Response;
      let text: string;
      try {
        res = await this.o.fetch(url, init);
        text = await res.text();
      } catch (e) {
        if (++failures > this.o.maxRetries) throw new KaggleApiError('transient', 0, `network error: ${(e as Error).message}`);
        await this.o.sleep(this.backoff(failures));
        continue;
      }
      let body: unknown = undefined;
      let parsed = true;
      try {
        body = text.trim() ? JSON.parse(text) : {};
      } catch {
        parsed = false;
      }
      const err = res.ok ? (parsed ? errorIn(body) : null) : { code: res.status, message: (parsed && errorIn(body)?.message) || res.statusText };
      if (!err && !parsed) throw new KaggleApiError('bad_payload', res.status, `malformed JSON from ${rpc.method}: ${text.slice(0, 80)}`);
      if (!err) return body;
      const kind = classify(err.code);
      if (kind === 'rate_limited') {
        if (++limited > this.o.max429) throw new KaggleApiError('rate_limited', 429, `still rate limited after ${limited - 1} waits`);
        const hinted = retryAfterMs(res.headers.get('retry-after'));
        const wait = hinted === null ? this.backoff(limited) : Math.min(this.o.retryAfterCeilMs, Math.max(this.o.retryAfterFloorMs, hinted));
        this.nextAt = Date.now() + wait;
        continue;
      }
      if (kind === 'transient' && ++failures <= this.o.maxRetries) {
        await this.o.sleep(this.backoff(failures));
        continue;
      }
      throw new KaggleApiError(kind, err.code, `${rpc.method}: ${err.code} ${err.message}`);
    }
  }
}
