/** The few building blocks every page shares: the page frame, sections, fields, notices. */
import type { ComponentChildren } from 'preact';
import { siteConfig } from '../config.ts';
import { ApiError } from '../api/errors.ts';
import { errorText } from './messages.ts';

const LINKS: ReadonlyArray<{ href: string; label: string; localOnly?: boolean }> = [
  { href: '/product.html', label: '상품 상세(예시)' },
  { href: '/my.html', label: '나의 정기배송' },
  { href: '/admin.html', label: '정기배송 관리' },
  { href: '/platform.html', label: '플랫폼 관리' },
  { href: '/dev.html', label: '개발 콘솔', localOnly: true },
];

export function Page(props: { title: string; wide?: boolean; children: ComponentChildren }) {
  const local = siteConfig().local;
  const here = location.pathname;
  return (
    <>
      <header class="top">
        <a class="brand" href="/">
          정기배송<span>·정기결제</span>
        </a>
        <nav>
          {LINKS.filter((link) => local || !link.localOnly).map((link) => (
            <a href={link.href} aria-current={here === link.href ? 'page' : undefined}>
              {link.label}
            </a>
          ))}
        </nav>
      </header>
      <main class={props.wide ? 'wide' : ''}>
        <h1>{props.title}</h1>
        {props.children}
      </main>
    </>
  );
}

export function Section(props: { title?: string; id?: string; actions?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="card" id={props.id}>
      {(props.title || props.actions) && (
        <div class="card-head">
          {props.title && <h2>{props.title}</h2>}
          {props.actions && <div class="actions">{props.actions}</div>}
        </div>
      )}
      {props.children}
    </section>
  );
}

export function Field(props: { label: string; hint?: ComponentChildren; error?: string | undefined; children: ComponentChildren }) {
  return (
    <label class={`field${props.error ? ' invalid' : ''}`}>
      <span class="label">{props.label}</span>
      {props.children}
      {props.hint && <span class="hint">{props.hint}</span>}
      {props.error && <span class="error-text">{props.error}</span>}
    </label>
  );
}

export function Notice(props: { kind?: 'info' | 'error' | 'success' | 'warn'; children: ComponentChildren; testId?: string }) {
  return (
    <div class={`notice ${props.kind ?? 'info'}`} role={props.kind === 'error' ? 'alert' : 'status'} data-testid={props.testId}>
      {props.children}
    </div>
  );
}

/** An error as a notice, with the fields the API named. */
export function ErrorNotice(props: { error: unknown }) {
  if (props.error === undefined || props.error === null) return null;
  const details = props.error instanceof ApiError ? props.error.details.filter((detail) => detail.message) : [];
  return (
    <Notice kind="error" testId="error">
      <p>{errorText(props.error)}</p>
      {details.length > 0 && (
        <ul>
          {details.map((detail) => (
            <li>
              {detail.path ? <code>{detail.path}</code> : null} {detail.message}
            </li>
          ))}
        </ul>
      )}
    </Notice>
  );
}

export function Badge(props: { tone?: 'ok' | 'warn' | 'bad' | 'muted' | 'info'; children: ComponentChildren }) {
  return <span class={`badge ${props.tone ?? 'muted'}`}>{props.children}</span>;
}

export function Loading() {
  return <p class="muted">불러오는 중…</p>;
}

/** Label: value rows. */
export function Facts(props: { rows: ReadonlyArray<readonly [string, ComponentChildren]> }) {
  return (
    <dl class="facts">
      {props.rows.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}
