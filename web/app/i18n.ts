import { FluentBundle, FluentResource, type FluentVariable } from '@fluent/bundle';
import { useRouteLoaderData } from 'react-router';
import en from '../../locales/en/web.ftl?raw';
import ru from '../../locales/ru/web.ftl?raw';

import type { Locale } from '../../lib/locales.ts';

export type { Locale };

function bundle(locale: Locale, source: string): FluentBundle {
  const b = new FluentBundle(locale, { useIsolating: false });
  const errors = b.addResource(new FluentResource(source));
  if (errors.length > 0) throw new Error(`locales/${locale}/web.ftl: ${errors.map((e) => e.message).join('; ')}`);
  return b;
}

const bundles: Record<Locale, FluentBundle> = { en: bundle('en', en), ru: bundle('ru', ru) };

export type T = (key: string, args?: Record<string, FluentVariable>) => string;

/** A translator for one language (the same Fluent files on the server and in the browser, so hydration agrees). */
export function translator(locale: Locale): T {
  const b = bundles[locale];
  return (key, args) => {
    const message = b.getMessage(key);
    if (!message?.value) return key;
    return b.formatPattern(message.value, args ?? {});
  };
}

/** The page's language, from the root loader. */
export function useLocale(): Locale {
  const root = useRouteLoaderData<{ locale?: Locale }>('root');
  return root?.locale ?? 'en';
}

export function useT(): T {
  return translator(useLocale());
}
