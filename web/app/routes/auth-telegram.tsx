import { useEffect, useRef, useState } from 'react';
import { redirect, useFetcher } from 'react-router';
import type { ActionArgs } from '../lib/route-args.ts';
import { useT } from '../i18n.ts';
import { attempt, field } from '../lib/forms.server.ts';

/**
 * The Telegram Mini App's entry: Telegram opens this page with `#tgWebAppData=<initData>` (and, with its script,
 * `Telegram.WebApp.initData`). The page posts it; the server checks the bot's signature and signs the person in.
 */
export async function action({ context, request }: ActionArgs) {
  const form = await request.formData();
  const signedIn = await attempt(context, () =>
    context.services.signInWithTelegram(context.app, field(form, 'initData'), request.headers.get('user-agent') ?? ''),
  );
  if (signedIn.refused) return signedIn.refused;
  const { sessionToken } = signedIn.value;
  return redirect('/', { headers: { 'Set-Cookie': context.cookies.session(sessionToken) } });
}

declare global {
  interface Window {
    Telegram?: { WebApp?: { initData?: string; ready?: () => void; expand?: () => void } };
  }
}

function initDataOfPage(): string {
  const fromScript = window.Telegram?.WebApp?.initData;
  if (fromScript) return fromScript;
  return new URLSearchParams(window.location.hash.slice(1)).get('tgWebAppData') ?? '';
}

export default function AuthTelegram() {
  const t = useT();
  const fetcher = useFetcher<{ error?: string }>();
  const [missing, setMissing] = useState(false);
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    window.Telegram?.WebApp?.ready?.();
    window.Telegram?.WebApp?.expand?.();
    const initData = initDataOfPage();
    if (!initData) return setMissing(true);
    void fetcher.submit({ initData }, { method: 'post' });
  }, [fetcher]);
  const error = fetcher.data?.error;
  return (
    <section className="narrow card">
      <h1>{t('web-telegram-title')}</h1>
      <p data-testid="telegram-state">{error ?? (missing ? t('web-telegram-missing') : t('web-telegram-checking'))}</p>
    </section>
  );
}
