import { redirect } from 'react-router';
import type { ActionArgs } from '../lib/route-args.ts';
import { safeNext } from '../lib/next.ts';

/** The EN/RU switch: remembered in a cookie, and for a signed-in person like `/language` in the bots. */
export async function action({ context, request }: ActionArgs) {
  const form = await request.formData();
  const locale = form.get('locale') === 'ru' ? 'ru' : 'en';
  if (context.viewer && context.csrf && form.get('_csrf') === context.csrf)
    await context.services.setLocale(context.app, context.viewer, locale);
  return redirect(safeNext(form.get('back')), { headers: { 'Set-Cookie': context.cookies.language(locale) } });
}

export async function loader() {
  return redirect('/');
}
