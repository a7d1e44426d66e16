import { redirect } from 'react-router';
import type { ActionArgs } from '../lib/route-args.ts';
import { readForm } from '../lib/forms.server.ts';

export async function action({ context, request }: ActionArgs) {
  await readForm(context, request);
  if (context.viewer) await context.services.signOut(context.app, context.viewer);
  return redirect('/', { headers: { 'Set-Cookie': context.cookies.clearSession() } });
}

export async function loader() {
  return redirect('/');
}
