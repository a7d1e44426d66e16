import type { AppLoadContext } from 'react-router';
import { attempt } from './forms.server.ts';

/** A pool page's data; not a member (or no such pool) shows as the error boundary with the localized reason. */
export async function poolPage<T>(context: AppLoadContext, load: () => Promise<T>): Promise<T> {
  const result = await attempt(context, load);
  if (result.refused) throw result.refused;
  return result.value;
}
