import { Form, Link, useLoaderData, useNavigation } from 'react-router';
import type { LoaderArgs, ActionArgs } from '../lib/route-args.ts';
import { useLocale, useT } from '../i18n.ts';
import { formatMicros, formatWhen } from '../lib/format.ts';
import { attempt, readForm, requireViewer } from '../lib/forms.server.ts';
import { poolPage } from '../lib/pool-page.server.ts';

/** One GameBoost session: its state, and once ended what was charged, refunded for the SLA, and why it ended. */
export async function loader({ context, request, params }: LoaderArgs) {
  const viewer = requireViewer(context, request);
  const session = await poolPage(context, () => context.services.session(context.app, viewer, params.sessionId ?? ''));
  return { session, csrf: context.csrf };
}

export async function action({ context, request, params }: ActionArgs) {
  await readForm(context, request);
  const viewer = requireViewer(context, request);
  const result = await attempt(context, () => context.services.endSession(context.app, viewer, params.sessionId ?? ''));
  if (result.refused) return result.refused;
  return { ended: true };
}

export default function SessionPage() {
  const { session: s, csrf } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== 'idle';
  const money = (micros: string | bigint | null) =>
    micros === null ? '–' : `${formatMicros(locale, micros)} ${s.currency}`;
  // What went back to the wallet: the unused minutes and the SLA refund (the hold less what was charged).
  const returned = s.chargedMicros === null ? null : BigInt(s.holdMicros) - BigInt(s.chargedMicros);
  const open = s.status === 'waiting' || s.status === 'live';
  return (
    <section className="narrow">
      <h1>{t('web-session-title')}</h1>
      <p>
        <span className="tag" data-testid="session-status">
          {t(`web-session-${s.status}`)}
        </span>{' '}
        {s.endReason ? <span className="muted">{t(`web-end-${s.endReason}`)}</span> : null}
      </p>
      <dl className="figures wide" data-testid="session-bill">
        <div>
          <dt>{t('web-session-rented')}</dt>
          <dd>{t('web-minutes-n', { count: s.rentedMinutes })}</dd>
        </div>
        <div>
          <dt>{t('web-session-used')}</dt>
          <dd>{s.usedMinutes === null ? '–' : t('web-minutes-n', { count: s.usedMinutes })}</dd>
        </div>
        <div>
          <dt>{t('web-session-held')}</dt>
          <dd>{money(s.holdMicros)}</dd>
        </div>
        <div>
          <dt>{t('web-session-charged')}</dt>
          <dd data-testid="charged">{money(s.chargedMicros)}</dd>
        </div>
        <div>
          <dt>{t('web-session-sla-refund')}</dt>
          <dd data-testid="sla-refund">{money(s.slaRefundMicros)}</dd>
        </div>
        <div>
          <dt>{t('web-session-returned')}</dt>
          <dd data-testid="returned">{money(returned)}</dd>
        </div>
        {s.startedAt ? (
          <div>
            <dt>{t('web-session-started')}</dt>
            <dd>{formatWhen(locale, s.startedAt)}</dd>
          </div>
        ) : null}
      </dl>
      {open ? (
        <div className="actions">
          <a className="button primary" href={`/play#session=${s.id}&lang=${locale}&back=/sessions/${s.id}`}>
            {t('web-session-open-player')}
          </a>
          <Form method="post">
            <input type="hidden" name="_csrf" value={csrf ?? ''} />
            <button type="submit" className="button danger" disabled={busy}>
              {t('web-session-end')}
            </button>
          </Form>
        </div>
      ) : null}
      <p>
        <Link to={`/pools/${s.poolId}/gameboost`}>
          {t('web-nav-gameboost')} · {s.poolName}
        </Link>
      </p>
    </section>
  );
}
