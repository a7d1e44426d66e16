import { data, Form, redirect, useActionData, useLoaderData, useNavigation } from 'react-router';
import type { LoaderArgs, ActionArgs } from '../lib/route-args.ts';
import { useT } from '../i18n.ts';
import { attempt } from '../lib/forms.server.ts';
import { safeNext } from '../lib/next.ts';

/**
 * The link a bot sends (`/web`): the page asks before signing in, so a chat app's link preview fetching it cannot
 * use it up. Continue posts the token once; the link is then spent.
 */
export async function loader({ params, context }: LoaderArgs) {
  const owner = await context.services.peekLoginLink(context.app, params.token ?? '');
  if (!owner) return data({ owner: null }, { status: 410, headers: { 'Cache-Control': 'no-store' } });
  return data({ owner }, { headers: { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' } });
}

export async function action({ params, context, request }: ActionArgs) {
  const form = await request.formData();
  const signedIn = await attempt(context, () =>
    context.services.signInWithLink(context.app, params.token ?? '', request.headers.get('user-agent') ?? ''),
  );
  if (signedIn.refused) return signedIn.refused;
  const { sessionToken } = signedIn.value;
  return redirect(safeNext(form.get('next')), { headers: { 'Set-Cookie': context.cookies.session(sessionToken) } });
}

export default function AuthLink() {
  const { owner } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>() as { error?: string } | undefined;
  const t = useT();
  const busy = useNavigation().state !== 'idle';
  return (
    <section className="narrow card">
      {owner && !failed?.error ? (
        <>
          <h1>{t('web-link-title', { name: owner.displayName })}</h1>
          <p>{t('web-link-text')}</p>
          <Form method="post">
            <button type="submit" className="button primary" disabled={busy} data-testid="continue">
              {t('web-link-continue')}
            </button>
          </Form>
        </>
      ) : (
        <>
          <h1>{t('web-link-expired-title')}</h1>
          <p>{failed?.error ?? t('web-link-expired-text')}</p>
        </>
      )}
    </section>
  );
}
