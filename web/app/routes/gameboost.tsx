import { randomUUID } from 'node:crypto';
import { useEffect, useState } from 'react';
import {
  Form,
  Link,
  redirect,
  redirectDocument,
  useActionData,
  useLoaderData,
  useNavigation,
  type MetaFunction,
} from 'react-router';
import type { LoaderArgs, ActionArgs } from '../lib/route-args.ts';
import { useLocale, useT } from '../i18n.ts';
import { formatMicros, formatWhen } from '../lib/format.ts';
import { attempt, field, formKey, readForm, requireViewer } from '../lib/forms.server.ts';
import { poolPage } from '../lib/pool-page.server.ts';
import { BenchTags } from '../lib/bench-tags.tsx';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.pool.name} · GameBoost` : 'GameBoost' },
];

const MINUTES = [15, 30, 60, 120, 240];

export async function loader({ context, request, params }: LoaderArgs) {
  const viewer = requireViewer(context, request);
  const page = await poolPage(context, () =>
    context.services.nodes(context.app, viewer, { poolId: params.poolId ?? '' }),
  );
  // Online nodes first, then the loader's order (best rating first).
  const nodes = [...page.nodes].sort((a, b) => Number(b.online) - Number(a.online));
  return { ...page, nodes, csrf: context.csrf, key: randomUUID(), locale: context.locale };
}

/** Rent: the whole rent is held, then the player opens with the session's one-time viewer token in its fragment. */
export async function action({ context, request }: ActionArgs) {
  const form = await readForm(context, request);
  const viewer = requireViewer(context, request);
  const result = await attempt(context, () =>
    context.services.rent(context.app, viewer, {
      offerId: field(form, 'offerId'),
      minutes: Number.parseInt(field(form, 'minutes'), 10),
      idempotencyKey: formKey(viewer, form),
    }),
  );
  if (result.refused) return result.refused;
  const { sessionId, viewerToken, iceServers } = result.value;
  if (!viewerToken) return redirect(`/sessions/${sessionId}`);
  const fragment = new URLSearchParams({
    session: sessionId,
    token: viewerToken,
    ice: JSON.stringify(iceServers),
    lang: context.locale,
    back: `/sessions/${sessionId}`,
  });
  return redirectDocument(`/play#${fragment.toString()}`);
}

/** The browser's own round trip to this server: the part of the latency that is the viewer's network. */
function useServerRtt(): number | null {
  const [rtt, setRtt] = useState<number | null>(null);
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const samples: number[] = [];
      for (let i = 0; i < 5 && !cancelled; i += 1) {
        const started = performance.now();
        await fetch('/healthz', { cache: 'no-store' }).catch(() => undefined);
        samples.push(performance.now() - started);
      }
      samples.sort((a, b) => a - b);
      if (!cancelled && samples.length > 0) setRtt(Math.round(samples[Math.floor(samples.length / 2)] ?? 0));
    })();
    return () => {
      cancelled = true;
    };
  }, []);
  return rtt;
}

export default function GameBoost() {
  const { pool, nodes, sessions, csrf, key } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>() as { error?: string } | undefined;
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state === 'submitting';
  const serverRtt = useServerRtt();
  const money = (micros: string) => `${formatMicros(locale, micros)} ${pool.currency}`;
  return (
    <section>
      <h1>{t('web-gameboost-title')}</h1>
      <p className="lead">{t('web-gameboost-lead')}</p>
      <p className="muted small" data-testid="server-rtt">
        {serverRtt === null ? t('web-measuring') : t('web-server-rtt', { ms: serverRtt })}
      </p>
      {refused?.error ? (
        <p className="notice error" role="alert" data-testid="refused">
          {refused.error}
        </p>
      ) : null}
      {nodes.length === 0 ? <p className="muted">{t('web-nodes-empty')}</p> : null}
      <ul className="grid" data-testid="nodes">
        {nodes.map((n) => (
          <li key={n.offerId} className={`card node ${n.online ? 'online' : 'offline'}`} data-offer={n.offerId}>
            <p className="tags">
              <span className={`dot ${n.online ? 'on' : 'off'}`} aria-hidden="true" />
              <span>{n.online ? t('web-node-online') : t('web-node-offline')}</span>
              <BenchTags cpuScore={n.cpuScore} encodeFps={n.encodeFps} gpuEncodeFps={n.gpuEncodeFps} />
            </p>
            <h2>{n.title}</h2>
            <p className="small">
              {t('web-offer-seller', { name: n.sellerName, rating: n.rating })}
              {n.machineName ? ` · ${n.machineName}` : ''}
            </p>
            <dl className="figures">
              <div>
                <dt>{t('web-node-rtt')}</dt>
                <dd>{n.medianRttMs === null ? '–' : `${n.medianRttMs} ms`}</dd>
              </div>
              <div>
                <dt>{t('web-node-fps')}</dt>
                <dd>{n.medianFps ?? '–'}</dd>
              </div>
              <div>
                <dt>{t('web-node-sessions')}</dt>
                <dd>{n.sessions}</dd>
              </div>
            </dl>
            <p className="price">
              <strong>{money(n.pricePerHourMicros)}</strong> {t('web-per-hour')}
            </p>
            {n.mine ? (
              <p className="muted small">{t('web-offer-mine')}</p>
            ) : (
              <Form method="post" className="buy">
                <input type="hidden" name="_csrf" value={csrf ?? ''} />
                <input type="hidden" name="key" value={key} />
                <input type="hidden" name="offerId" value={n.offerId} />
                <label>
                  {t('web-minutes')}
                  <select name="minutes" defaultValue="60">
                    {MINUTES.map((m) => (
                      <option key={m} value={m}>
                        {m}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="submit" className="button primary" disabled={busy || !n.online} data-testid="rent">
                  {t('web-rent-play')}
                </button>
              </Form>
            )}
          </li>
        ))}
      </ul>
      {sessions.length > 0 ? (
        <>
          <h2>{t('web-sessions-title')}</h2>
          <ul className="rows" data-testid="sessions">
            {sessions.map((s) => (
              <li key={s.id}>
                <Link to={`/sessions/${s.id}`}>{formatWhen(locale, s.createdAt)}</Link>
                <span className="tag">{t(`web-session-${s.status}`)}</span>
                <span className="num">{s.chargedMicros === null ? money(s.holdMicros) : money(s.chargedMicros)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
