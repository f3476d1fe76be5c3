/**
 * The merchant console (role admin): 서비스 신청, 알림 설정, 충전 건수,
 * 상품, 정기배송 신청 내역, 주문(배송), 웹훅 — one tab each, addressed by the URL fragment.
 */
import { useEffect, useState } from 'preact/hooks';
import { CreditsTab } from '../admin/credits-tab.tsx';
import { OrdersTab } from '../admin/orders-tab.tsx';
import { ProductsTab } from '../admin/products-tab.tsx';
import { ServiceTab } from '../admin/service-tab.tsx';
import { SettingsTab } from '../admin/settings-tab.tsx';
import { SubscriptionsTab } from '../admin/subscriptions-tab.tsx';
import { WebhooksTab } from '../admin/webhooks-tab.tsx';
import { Page } from '../ui/kit.tsx';
import { TERMS } from '../ui/labels.ts';
import { WithSession } from '../ui/sign-in.tsx';
import { boot } from './boot.tsx';

const TABS = [
  ['service', TERMS.serviceApplication],
  ['settings', '알림·배송 설정'],
  ['credits', '충전 건수'],
  ['products', '상품'],
  ['subscriptions', '정기배송 신청 내역'],
  ['orders', '주문(배송)'],
  ['webhooks', '웹훅'],
] as const;
type Tab = (typeof TABS)[number][0];

function route(): { tab: Tab; id: string | null } {
  const [tab, id] = location.hash.replace(/^#/, '').split('/');
  const known = TABS.find(([name]) => name === tab)?.[0];
  return { tab: known ?? 'service', id: known === 'subscriptions' && id ? decodeURIComponent(id) : null };
}

function Console(props: { shopId: string }) {
  const [current, setCurrent] = useState(route);
  useEffect(() => {
    const follow = () => setCurrent(route());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return (
    <>
      <nav class="tabs">
        {TABS.map(([name, label]) => (
          <a href={`#${name}`} aria-current={current.tab === name ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      {current.tab === 'service' && <ServiceTab />}
      {current.tab === 'settings' && <SettingsTab />}
      {current.tab === 'credits' && <CreditsTab />}
      {current.tab === 'products' && <ProductsTab shopId={props.shopId} />}
      {current.tab === 'webhooks' && <WebhooksTab />}
      {current.tab === 'orders' && <OrdersTab />}
      {current.tab === 'subscriptions' && <SubscriptionsTab selected={current.id} open={(id) => (location.hash = id ? `subscriptions/${encodeURIComponent(id)}` : 'subscriptions')} />}
    </>
  );
}

void boot(() => (
  <Page title="정기배송 관리" wide>
    <WithSession role="admin">{(session) => <Console shopId={session.shop} />}</WithSession>
  </Page>
));
