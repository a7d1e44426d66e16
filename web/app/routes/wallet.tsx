import { Link, useLoaderData, type MetaFunction } from 'react-router';
import type { LoaderArgs } from '../lib/route-args.ts';
import { useLocale, useT } from '../i18n.ts';
import { formatMicros, formatWhen } from '../lib/format.ts';
import { requireViewer } from '../lib/forms.server.ts';
import { poolPage } from '../lib/pool-page.server.ts';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.pool.name} · Power Realms` : 'Power Realms' },
];

export async function loader({ context, request, params }: LoaderArgs) {
  const viewer = requireViewer(context, request);
  const before = new URL(request.url).searchParams.get('before') ?? undefined;
  return poolPage(context, () =>
    context.services.wallet(context.app, viewer, {
      poolId: params.poolId ?? '',
      before: before && /^[0-9a-f-]{36}$/.test(before) ? before : undefined,
    }),
  );
}

export default function Wallet() {
  const w = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const money = (micros: string) => `${formatMicros(locale, micros)} ${w.pool.currency}`;
  return (
    <section>
      <h1>{w.pool.name}</h1>
      <div className="stats">
        <div className="stat" data-testid="available">
          <span className="label">{t('web-available')}</span>
          <strong>{money(w.balance.availableMicros)}</strong>
        </div>
        <div className="stat" data-testid="held">
          <span className="label">{t('web-on-hold')}</span>
          <strong>{money(w.balance.heldMicros)}</strong>
        </div>
        <div className="stat">
          <span className="label">{t('web-rating')}</span>
          <strong>{w.rating}</strong>
          <span className="muted small">{t('web-reliability', { value: w.reliability })}</span>
        </div>
      </div>

      <h2>{t('web-holds-title')}</h2>
      {w.holds.length === 0 ? (
        <p className="muted">{t('web-holds-empty')}</p>
      ) : (
        <table className="list" data-testid="holds">
          <thead>
            <tr>
              <th>{t('web-col-what')}</th>
              <th>{t('web-col-to')}</th>
              <th className="num">{t('web-col-amount')}</th>
              <th className="wide-only">{t('web-col-until')}</th>
            </tr>
          </thead>
          <tbody>
            {w.holds.map((h) => (
              <tr key={h.id}>
                <td>{t(`web-code-${h.code}`) === `web-code-${h.code}` ? h.code : t(`web-code-${h.code}`)}</td>
                <td>{h.to ?? t(`web-account-${h.toKind}`)}</td>
                <td className="num">{money(h.amountMicros)}</td>
                <td className="wide-only">{formatWhen(locale, h.timeoutAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {w.deals.length > 0 ? (
        <>
          <h2>{t('web-deals-title')}</h2>
          <ul className="rows">
            {w.deals.map((d) => (
              <li key={d.id}>
                <span>{d.title}</span>
                <span className="tag">{t(`web-deal-role-${d.role}`)}</span>
                <span className="tag">{t(`web-deal-${d.status}`)}</span>
                <span className="num">{money(d.totalMicros)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2>{t('web-withdrawals-title')}</h2>
      {w.withdrawals.length === 0 ? (
        <p className="muted">{t('web-withdrawals-empty')}</p>
      ) : (
        <ul className="rows" data-testid="withdrawals">
          {w.withdrawals.map((x) => (
            <li key={x.id}>
              <span>{formatWhen(locale, x.requestedAt)}</span>
              <span className="num">{money(x.amountMicros)}</span>
              <span className={`tag status-${x.status}`}>{t(`web-withdrawal-${x.status}`)}</span>
              {x.status === 'requested' ? (
                <span className="muted small">{t('web-approvals', { approvals: x.approvals, quorum: x.quorum })}</span>
              ) : null}
              {x.reference ? <span className="muted small">{x.reference}</span> : null}
            </li>
          ))}
        </ul>
      )}

      <h2>{t('web-history-title')}</h2>
      {w.history.length === 0 ? (
        <p className="muted">{t('web-history-empty')}</p>
      ) : (
        <table className="list stacked" data-testid="history">
          <tbody>
            {w.history.map((h) => (
              <tr key={h.id}>
                <td className="when">{formatWhen(locale, h.createdAt)}</td>
                <td className="what">
                  {t(`web-code-${h.code}`) === `web-code-${h.code}` ? h.code : t(`web-code-${h.code}`)}
                </td>
                <td className="party">{h.counterparty ?? t(`web-account-${h.counterpartyKind}`)}</td>
                <td className={`num ${h.direction}`}>
                  {h.direction === 'in' ? '+' : '−'}
                  {money(h.amountMicros)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {w.nextBefore ? (
        <p>
          <Link to={`?before=${w.nextBefore}`}>{t('web-older')}</Link>
        </p>
      ) : null}
    </section>
  );
}
