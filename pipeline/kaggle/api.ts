// Typed Kaggle calls (competitions, datasets, kernels, pull) over either transport, tolerant of omitted fields.
import { KaggleApiError, type KaggleClient } from './client.ts';

export interface KaggleSource {
  kind: 'competition' | 'dataset';
  /** Competition slug, or dataset `owner/slug`. */
  ref: string;
  title: string;
  kernelCount: number;
  description: string;
  evaluation: string;
  tags: string[];
  url: string;
}

export interface KernelMeta {
  id: number | null;
  ref: string;
  title: string;
  author: string;
  slug: string;
  language: string;
  kernelType: string;
  totalVotes: number;
  raw: Record<string, unknown>;
}

export interface PulledKernel {
  meta: KernelMeta;
  source: string;
  language: string;
  kernelType: string;
}

type Json = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const int = (v: unknown): number => (typeof v === 'number' ? v : Number.isFinite(Number(v)) && v !== null && v !== '' ? Number(v) : 0);

/** Lists come back as a bare array (legacy) or wrapped (`{"kernels": [...]}`, `{}` past the end on RPC). */
function listOf(body: unknown, key: string): Json[] {
  const arr = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? (body as Json)[key] : undefined;
  if (arr === undefined || arr === null) return [];
  if (!Array.isArray(arr)) throw new KaggleApiError('bad_payload', 200, `"${key}" is not a list`);
  return arr.filter((x): x is Json => typeof x === 'object' && x !== null);
}

const tagNames = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.map((t) => (typeof t === 'object' && t !== null ? str((t as Json).name) || str((t as Json).ref) : str(t))).filter(Boolean)
    : [];

/** Competition refs may be bare slugs or full URLs; the kernels filter wants the slug. */
export function competitionSlug(ref: string): string {
  return ref.replace(/\/+$/, '').split('/').pop() ?? ref;
}

export async function listCompetitions(c: KaggleClient, search: string, page: number): Promise<KaggleSource[]> {
  const body = await c.call(
    {
      service: 'competitions.CompetitionApiService',
      method: 'ListCompetitions',
      body: { group: 'COMPETITION_LIST_TAB_EVERYTHING', category: 'HOST_SEGMENT_UNSPECIFIED', sortBy: 'COMPETITION_SORT_BY_BEST', search, page },
    },
    { path: 'competitions/list', query: { search, page } },
  );
  return listOf(body, 'competitions').map((x) => {
    const slug = competitionSlug(str(x.ref) || str(x.url));
    return {
      kind: 'competition',
      ref: slug,
      title: str(x.title),
      kernelCount: int(x.kernelCount),
      description: str(x.description),
      evaluation: str(x.evaluationMetric),
      tags: tagNames(x.tags),
      url: str(x.url) || `https://www.kaggle.com/competitions/${slug}`,
    };
  });
}

export async function listDatasets(c: KaggleClient, search: string, page: number): Promise<KaggleSource[]> {
  const body = await c.call(
    { service: 'datasets.DatasetApiService', method: 'ListDatasets', body: { sortBy: 'DATASET_SORT_BY_VOTES', search, page } },
    { path: 'datasets/list', query: { sortBy: 'votes', search, page } },
  );
  return listOf(body, 'datasets').map((x) => ({
    kind: 'dataset',
    ref: str(x.ref),
    title: str(x.title),
    kernelCount: int(x.kernelCount),
    description: str(x.description) || str(x.subtitle),
    evaluation: '',
    tags: tagNames(x.tags),
    url: str(x.url) || `https://www.kaggle.com/datasets/${str(x.ref)}`,
  }));
}

function kernelMeta(x: Json): KernelMeta {
  const ref = str(x.ref);
  return {
    id: x.id === undefined || x.id === null ? null : int(x.id),
    ref,
    title: str(x.title),
    author: str(x.author),
    slug: str(x.slug) || (ref.split('/')[1] ?? ''),
    language: str(x.language).toLowerCase(),
    kernelType: str(x.kernelType).toLowerCase(),
    totalVotes: int(x.totalVotes),
    raw: x,
  };
}

export async function listKernels(c: KaggleClient, source: Pick<KaggleSource, 'kind' | 'ref'>, page: number, pageSize = 100): Promise<KernelMeta[]> {
  const filter = source.kind === 'competition' ? { competition: source.ref } : { dataset: source.ref };
  const body = await c.call(
    {
      service: 'kernels.KernelsApiService',
      method: 'ListKernels',
      body: {
        ...filter,
        group: 'EVERYONE',
        kernelType: 'notebook',
        language: 'python',
        outputType: 'all',
        search: '',
        sortBy: 'VOTE_COUNT',
        user: '',
        page,
        pageSize,
      },
    },
    {
      path: 'kernels/list',
      query: { ...filter, group: 'everyone', kernelType: 'notebook', language: 'python', sortBy: 'voteCount', page, pageSize },
    },
  );
  return listOf(body, 'kernels')
    .map(kernelMeta)
    .filter((k) => k.ref.includes('/'));
}

export async function pullKernel(c: KaggleClient, ref: string): Promise<PulledKernel> {
  const [userName, kernelSlug] = ref.split('/');
  const body = await c.call(
    { service: 'kernels.KernelsApiService', method: 'GetKernel', body: { userName, kernelSlug } },
    { path: 'kernels/pull', query: { userName, kernelSlug } },
  );
  const b = (typeof body === 'object' && body !== null ? body : {}) as Json;
  const blob = (typeof b.blob === 'object' && b.blob !== null ? b.blob : null) as Json | null;
  if (!blob || typeof blob.source !== 'string') throw new KaggleApiError('bad_payload', 200, `pull of ${ref} has no blob.source`);
  const meta = kernelMeta((typeof b.metadata === 'object' && b.metadata !== null ? b.metadata : { ref }) as Json);
  if (!meta.ref) meta.ref = ref;
  return {
    meta,
    source: blob.source,
    language: str(blob.language).toLowerCase() || meta.language,
    kernelType: str(blob.kernelType).toLowerCase() || meta.kernelType,
  };
}
