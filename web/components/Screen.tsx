/**
 * The frame of a screen: one h1, the document title, and focus on the heading when the
 * screen changes so screen-reader users hear where they are.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n';

let firstScreen = true;

export function Screen({ title, heading, children }: { title: string; heading?: string; children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title]);
  useEffect(() => {
    // The first screen of a visit keeps the browser's own focus; later screens move it here.
    if (firstScreen) firstScreen = false;
    else ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <>
      <h1 ref={ref} tabIndex={-1} class="screen-title">
        {heading ?? title}
      </h1>
      {children}
    </>
  );
}
