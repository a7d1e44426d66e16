import { data, redirect, type AppLoadContext } from 'react-router';
import type { Viewer } from '../../../core/web/web-auth.ts';

/** The signed-in viewer, or a redirect to the sign-in page that comes back here afterwards. */
export function requireViewer(context: AppLoadContext, request: Request): Viewer {
  if (context.viewer) return context.viewer;
  const url = new URL(request.url);
  throw redirect(`/?next=${encodeURIComponent(url.pathname + url.search)}`);
}

/** A business error thrown by a use case (AppError, matched by shape: it comes from the platform's own modules). */
function appErrorCode(error: unknown): string | null {
  if (error instanceof Error && error.name === 'AppError' && 'code' in error && typeof error.code === 'string')
    return error.code;
  return null;
}

/** The answer an action gives for a refusal: a localized sentence and the code, with REST's status. */
export function refusal(context: AppLoadContext, code: string) {
  return data({ error: context.errorMessage(context.locale, code), code }, { status: context.statusOf(code) });
}

/**
 * A signed-in form post: the body, once its `_csrf` field matches this session's token (a page on another site
 * cannot read it, and SameSite=Lax keeps the cookie off its posts anyway).
 */
export async function readForm(context: AppLoadContext, request: Request): Promise<FormData> {
  requireViewer(context, request);
  const form = await request.formData();
  if (!context.csrfValid(field(form, '_csrf'))) throw refusal(context, 'CSRF_FAILED');
  return form;
}

/**
 * Runs a use case; a business error becomes the action's localized answer (`refused`, to return), anything else
 * stays a bug for the error boundary.
 */
export async function attempt<T>(
  context: AppLoadContext,
  run: () => Promise<T>,
): Promise<{ value: T; refused?: undefined } | { value?: undefined; refused: ReturnType<typeof refusal> }> {
  try {
    return { value: await run() };
  } catch (error) {
    const code = appErrorCode(error);
    if (code) return { refused: refusal(context, code) };
    throw error;
  }
}

/** A text field of a form ('' when absent, or a file). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

/** A form's idempotency key, namespaced to the viewer so two people's keys never meet. */
export function formKey(viewer: Viewer, form: FormData): string {
  const key = field(form, 'key');
  if (!/^[0-9a-f-]{36}$/.test(key)) throw data({ error: 'bad form', code: 'VALIDATION_FAILED' }, { status: 400 });
  return `web:${viewer.userId}:${key}`;
}
