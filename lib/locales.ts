/** The languages Power Realms speaks, in the bots and on the web. */
export const LOCALES = ['en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
