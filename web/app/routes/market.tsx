import { randomUUID } from 'node:crypto';
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
  type MetaFunction,
} from 'react-router';
import type { LoaderArgs, ActionArgs } from '../lib/route-args.ts';
import { useLocale, useT } from '../i18n.ts';
import { formatMicros } from '../lib/format.ts';
import { attempt, field, formKey, readForm, requireViewer } from '../lib/forms.server.ts';
import { poolPage } from '../lib/pool-page.server.ts';
import { BenchTags } from '../lib/bench-tags.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.market.pool.name} · Marketplace` : 'Power Realms' },
];

const KINDS = ['compute_time', 'gameboost_slot', 'private_access', 'cosmetic'] as const;
const RENTALS: readonly string[] = ['compute_time', 'gameboost_slot'];

export async function loader({ context, request, params }: LoaderArgs) {
  const viewer = requireViewer(context, request);
  const q = new URL(request.url).searchParams;
  const page = Math.max(1, Math.min(1000, Number.parseInt(q.get('page') ?? '1', 10) || 1));
  const market = await poolPage(context, () =>
    context.services.market(context.app, viewer, {
      poolId: params.poolId ?? '',
      kind: q.get('kind') ?? undefined,
      sort: q.get('sort') ?? undefined,
      search: q.get('q') ?? undefined,
      maxPrice: q.get('max') ?? undefined,
      page,
    }),
  );
  // One key per rendered form: pressing Buy twice (or resubmitting) replays the first purchase.
  return { market, page, csrf: context.csrf, key: randomUUID() };
}

export async function action({ context, request }: ActionArgs) {
  const form = await readForm(context, request);
  const viewer = requireViewer(context, request);
  const quantity = Number.parseInt(field(form, 'quantity') || '1', 10);
  const result = await attempt(context, () =>
    context.services.buy(context.app, viewer, {
      offerId: field(form, 'offerId'),
      quantity: Number.isInteger(quantity) ? quantity : 0,
      idempotencyKey: formKey(viewer, form),
    }),
  );
  if (result.refused) return result.refused;
  return { bought: result.value };
}

export default function Market() {
  const { market, page, csrf, key } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>() as
    { bought?: { title: string; totalMicros: string }; error?: string } | undefined;
  const [params] = useSearchParams();
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state === 'submitting';
  const money = (micros: string) => `${formatMicros(locale, micros)} ${market.pool.currency}`;
  return (
    <section>
      <h1>{t('web-market-title', { pool: market.pool.name })}</h1>
      {answer?.bought ? (
        <p className="notice ok" data-testid="bought">
          {t('web-market-bought', { title: answer.bought.title, total: money(answer.bought.totalMicros) })}{' '}
          <Link to={`/pools/${market.pool.id}`}>{t('web-nav-wallet')}</Link>
        </p>
      ) : null}
      {answer?.error ? (
        <p className="notice error" role="alert" data-testid="refused">
          {answer.error}
        </p>
      ) : null}
      <Form method="get" className="filters">
        <select name="kind" defaultValue={params.get('kind') ?? ''} aria-label={t('web-filter-kind')}>
          <option value="">{t('web-filter-all')}</option>
          {KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`web-kind-${kind}`)}
            </option>
          ))}
        </select>
        <select name="sort" defaultValue={params.get('sort') ?? 'price'} aria-label={t('web-filter-sort')}>
          <option value="price">{t('web-sort-price')}</option>
          <option value="rating">{t('web-sort-rating')}</option>
        </select>
        <input
          name="max"
          inputMode="decimal"
          placeholder={t('web-filter-max')}
          defaultValue={params.get('max') ?? ''}
          size={8}
        />
        <input type="search" name="q" placeholder={t('web-filter-search')} defaultValue={params.get('q') ?? ''} />
        <button type="submit" className="button">
          {t('web-filter-apply')}
        </button>
      </Form>
      <p className="muted">{t('web-market-count', { count: market.total })}</p>
      <ul className="grid" data-testid="offers">
        {market.offers.map((o) => (
          <li key={o.id} className="card offer">
            <p className="tags">
              <span className="tag">{t(`web-kind-${o.kind}`)}</span>
              <BenchTags cpuScore={o.cpuScore} encodeFps={o.encodeFps} gpuEncodeFps={o.gpuEncodeFps} />
            </p>
            <h2>{o.title}</h2>
            {o.description ? <p className="muted">{o.description}</p> : null}
            <p className="small">
              {t('web-offer-seller', { name: o.sellerName, rating: o.sellerRating })}
              {o.machineName ? ` · ${o.machineName}` : ''}
            </p>
            <p className="price">
              <strong>{money(o.priceMicros)}</strong> {RENTALS.includes(o.kind) ? t('web-per-hour') : t('web-per-item')}
              {o.quantityLeft !== null ? (
                <span className="muted small"> · {t('web-left', { count: o.quantityLeft })}</span>
              ) : null}
            </p>
            {o.mine ? (
              <p className="muted small">{t('web-offer-mine')}</p>
            ) : (
              <Form method="post" className="buy">
                <input type="hidden" name="_csrf" value={csrf ?? ''} />
                <input type="hidden" name="key" value={key} />
                <input type="hidden" name="offerId" value={o.id} />
                <label>
                  {RENTALS.includes(o.kind) ? t('web-hours') : t('web-quantity')}
                  <input type="number" name="quantity" min={1} max={1000} defaultValue={1} />
                </label>
                <button type="submit" className="button primary" disabled={busy}>
                  {RENTALS.includes(o.kind) ? t('web-reserve') : t('web-buy')}
                </button>
              </Form>
            )}
            {o.kind === 'gameboost_slot' && !o.mine ? (
              <Link to={`/pools/${market.pool.id}/gameboost`} className="small">
                {t('web-play-now')}
              </Link>
            ) : null}
          </li>
        ))}
      </ul>
      {market.pages > 1 ? (
        <nav className="pager">
          {page > 1 ? <Link to={`?${withPage(params, page - 1)}`}>{t('web-previous')}</Link> : <span />}
          <span className="muted">{t('web-page', { page, pages: market.pages })}</span>
          {page < market.pages ? <Link to={`?${withPage(params, page + 1)}`}>{t('web-next')}</Link> : <span />}
        </nav>
      ) : null}
    </section>
  );
}

function withPage(params: URLSearchParams, page: number): string {
  const next = new URLSearchParams(params);
  next.set('page', String(page));
  return next.toString();
}
