/** Where to go after signing in: a path on this site only (never `//host` or a full URL someone slipped in). */
export function safeNext(value: FormDataEntryValue | string | null | undefined): string {
  const next = typeof value === 'string' ? value : '';
  return /^\/(?![/\\])[\x21-\x7e]*$/.test(next) ? next : '/';
}
