import { Link, useLoaderData, type MetaFunction } from 'react-router';
import type { LoaderArgs } from '../lib/route-args.ts';
import { useLocale, useT } from '../i18n.ts';
import { formatMicros } from '../lib/format.ts';

export const meta: MetaFunction = () => [{ title: 'Power Realms' }];

export async function loader({ context, request }: LoaderArgs) {
  const next = new URL(request.url).searchParams.get('next');
  const methods = context.services.signInMethods;
  if (!context.viewer) return { signedIn: false as const, methods, next };
  const overview = await context.services.overview(context.app, context.viewer);
  return { signedIn: true as const, overview };
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  if (!data.signedIn)
    return (
      <section className="narrow hero">
        <h1>{t('web-home-title')}</h1>
        <p className="lead">{t('web-home-lead')}</p>
        <div className="card">
          <h2>{t('web-sign-in')}</h2>
          <ol className="steps">
            <li>{t('web-sign-in-bot')}</li>
            {data.methods.telegram ? <li>{t('web-sign-in-telegram')}</li> : null}
          </ol>
          {data.methods.discord ? (
            <a
              className="button discord"
              href={`/auth/discord${data.next ? `?next=${encodeURIComponent(data.next)}` : ''}`}
            >
              {t('web-sign-in-discord')}
            </a>
          ) : null}
        </div>
      </section>
    );
  const { overview } = data;
  return (
    <section>
      <h1>{t('web-pools-title', { name: overview.displayName })}</h1>
      {overview.pools.length === 0 ? (
        <p className="muted">{t('web-pools-empty')}</p>
      ) : (
        <ul className="grid" data-testid="pools">
          {overview.pools.map((pool) => (
            <li key={pool.poolId} className="card pool">
              <Link to={`/pools/${pool.poolId}`} className="stretched">
                <h2>{pool.name}</h2>
              </Link>
              <p className="tags">
                <span className={`tag ${pool.type}`}>{t(`web-pool-type-${pool.type}`)}</span>
                <span className="tag">{t(`web-role-${pool.role}`)}</span>
                {pool.status !== 'active' ? <span className="tag warn">{t(`web-status-${pool.status}`)}</span> : null}
              </p>
              <p className="balance" data-testid={`balance-${pool.poolId}`}>
                <strong>{formatMicros(locale, pool.availableMicros)}</strong> {pool.currency}
              </p>
              {pool.heldMicros !== '0' ? (
                <p className="muted">
                  {t('web-held', { amount: formatMicros(locale, pool.heldMicros), currency: pool.currency })}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
