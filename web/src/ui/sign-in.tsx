/**
 * Signing in for a page's role. Production: the identity provider's login
 * hands a token over in the URL fragment, or one is pasted here. `npm start`:
 * demo logins mint one for any shop and user.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { siteConfig } from '../config.ts';
import { demoLogin, saveToken, signOut, type Role, type Session } from '../session.ts';
import { useAction, useSession } from './hooks.ts';
import { ErrorNotice, Field, Section } from './kit.tsx';

const ROLE_NAMES: Record<Role, string> = { customer: '구매자', admin: '쇼핑몰 운영자', platform: '플랫폼 운영자' };

export function SignIn(props: { role: Role; shop?: string; sub?: string; lockShop?: boolean }) {
  const [shop, setShop] = useState(props.shop ?? 'demo-shop');
  const [sub, setSub] = useState(props.sub ?? (props.role === 'customer' ? 'minji' : props.role === 'admin' ? 'owner' : 'ops'));
  const [token, setToken] = useState('');
  const [pasteError, setPasteError] = useState<string | undefined>();
  const login = useAction(() => demoLogin(props.role, props.role === 'platform' ? 'platform' : shop.trim(), sub.trim()));
  const local = siteConfig().local;
  return (
    <Section title={`${ROLE_NAMES[props.role]} 로그인`}>
      {local && (
        <form
          class="row"
          data-testid={`demo-login-${props.role}`}
          onSubmit={(event) => {
            event.preventDefault();
            void login.run();
          }}
        >
          {props.role !== 'platform' && (
            <Field label="쇼핑몰 아이디">
              <input name="shop" value={shop} readOnly={props.lockShop} onInput={(e) => setShop(e.currentTarget.value)} required />
            </Field>
          )}
          <Field label="사용자 아이디">
            <input name="sub" value={sub} onInput={(e) => setSub(e.currentTarget.value)} required />
          </Field>
          <button type="submit" class="primary" disabled={login.busy}>
            데모 {ROLE_NAMES[props.role]}로 로그인
          </button>
        </form>
      )}
      <ErrorNotice error={login.error} />
      <details open={!local}>
        <summary>발급받은 토큰으로 로그인</summary>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const session = saveToken(token);
            if (!session) setPasteError('sub, shop, role 클레임이 있는 JWT가 아니에요.');
            else if (session.role !== props.role) setPasteError(`${ROLE_NAMES[session.role]} 토큰이에요. ${ROLE_NAMES[props.role]} 토큰이 필요해요.`);
            else setPasteError(undefined);
          }}
        >
          <Field label="Bearer 토큰 (JWT)" error={pasteError} hint="쇼핑몰·플랫폼의 로그인(ID 공급자)이 발급한 토큰이에요. 이 브라우저에만 저장돼요.">
            <textarea rows={3} value={token} onInput={(e) => setToken(e.currentTarget.value)} />
          </Field>
          <button type="submit">토큰으로 로그인</button>
        </form>
      </details>
    </Section>
  );
}

/** Renders `children` with the role's session, or the sign-in for it. */
export function WithSession(props: { role: Role; shop?: string; lockShop?: boolean; children: (session: Session) => ComponentChildren }) {
  const session = useSession(props.role);
  if (!session || (props.lockShop && props.shop && session.shop !== props.shop)) {
    return <SignIn role={props.role} {...(props.shop ? { shop: props.shop } : {})} {...(props.lockShop ? { lockShop: true } : {})} />;
  }
  return (
    <>
      <p class="whoami" data-testid="whoami">
        {ROLE_NAMES[props.role]} <strong>{session.sub}</strong>
        {props.role !== 'platform' && (
          <>
            {' '}
            · 쇼핑몰 <strong>{session.shop}</strong>
          </>
        )}{' '}
        <button type="button" class="link" onClick={() => signOut(props.role)}>
          로그아웃
        </button>
      </p>
      {props.children(session)}
    </>
  );
}
