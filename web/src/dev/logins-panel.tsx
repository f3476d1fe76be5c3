/** Demo logins for the three roles, so a newcomer walks the whole lifecycle without curl. */
import { useState } from 'preact/hooks';
import { demoLogin, signOut, type Role } from '../session.ts';
import { useAction, useSession } from '../ui/hooks.ts';
import { ErrorNotice, Field, Section } from '../ui/kit.tsx';

const ROLES: ReadonlyArray<{ role: Role; label: string; page: string }> = [
  { role: 'platform', label: '플랫폼 운영자', page: '/platform.html' },
  { role: 'admin', label: '쇼핑몰 운영자', page: '/admin.html' },
  { role: 'customer', label: '구매자', page: '/my.html' },
];

function RoleRow(props: { role: Role; label: string; page: string; shop: string }) {
  const session = useSession(props.role);
  const [sub, setSub] = useState(props.role === 'customer' ? 'minji' : props.role === 'admin' ? 'owner' : 'ops');
  const login = useAction(() => demoLogin(props.role, props.role === 'platform' ? 'platform' : props.shop, sub));
  return (
    <tr data-role={props.role}>
      <td>{props.label}</td>
      <td>
        <input value={sub} onInput={(e) => setSub(e.currentTarget.value)} aria-label={`${props.label} 아이디`} />
      </td>
      <td>
        {session ? (
          <span class="small">
            {session.sub}
            {props.role !== 'platform' && ` @ ${session.shop}`}{' '}
            <button type="button" class="link" onClick={() => signOut(props.role)}>
              로그아웃
            </button>
          </span>
        ) : (
          <span class="small muted">로그인 전</span>
        )}
        <ErrorNotice error={login.error} />
      </td>
      <td>
        <button type="button" disabled={login.busy} onClick={() => void login.run()} data-testid={`login-${props.role}`}>
          로그인
        </button>{' '}
        <a href={props.page}>열기</a>
      </td>
    </tr>
  );
}

export function LoginsPanel() {
  const [shop, setShop] = useState('demo-shop');
  return (
    <Section title="데모 로그인">
      <Field label="쇼핑몰 아이디 (운영자·구매자)">
        <input value={shop} onInput={(e) => setShop(e.currentTarget.value)} />
      </Field>
      <div class="table-wrap">
        <table>
          <tbody>
            {ROLES.map((entry) => (
              <RoleRow {...entry} shop={shop} />
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
