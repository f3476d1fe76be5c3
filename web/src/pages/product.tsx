/**
 * A shop's product-detail page, as the PG's review expects it (S4, S13): the
 * product with the subscription widget embedded by its one script tag
 * (product.html), exactly as a shop would embed it on its own page.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { loadPurchaseOptions } from '../storefront/purchase-options.ts';
import { Notice, Page, Section } from '../ui/kit.tsx';
import { useLoad } from '../ui/hooks.ts';
import { won } from '../ui/format.ts';
import { siteConfig } from '../config.ts';
import { boot } from './boot.tsx';

/** The seeded demo shop's products (local/seed.ts), to try each case of S13/S14. */
const DEMO_PRODUCTS = [
  ['house-blend-1kg', '정기배송 가능'],
  ['drip-bags-30', '정기배송 가능'],
  ['gift-set-1plus1', '1+N 이벤트(S14)'],
  ['ceramic-mug', '1회 구매만'],
] as const;

function ProductPage() {
  const params = new URLSearchParams(location.search);
  const shopId = params.get('shop') ?? 'demo-shop';
  const productId = params.get('product') ?? 'house-blend-1kg';
  const options = useLoad(() => loadPurchaseOptions(siteConfig().apiBase, shopId, productId), [shopId, productId]);
  const widget = useRef<HTMLElement>(null);
  const [oneTime, setOneTime] = useState(false);
  useEffect(() => {
    const element = widget.current;
    const listener = () => setOneTime(true);
    element?.addEventListener('one-time-purchase', listener);
    return () => element?.removeEventListener('one-time-purchase', listener);
  }, []);
  const snippet = `<script src="${location.origin}/widget.js" defer></script>\n<subscription-widget shop="${shopId}" product="${productId}"></subscription-widget>`;

  return (
    <Page title="상품 상세">
      <Section>
        <div class="product">
          <div class="product-image" aria-hidden="true">☕</div>
          <div>
            <p class="muted small">{shopId}</p>
            <h2 data-testid="product-name">{options.data?.product.name ?? productId}</h2>
            {options.data && <p class="price-tag">{won(options.data.product.price)}</p>}
          </div>
        </div>
        {options.error !== undefined && <Notice kind="error">상품을 찾을 수 없어요.</Notice>}
        <subscription-widget ref={widget} shop={shopId} product={productId} />
        {oneTime && <Notice>1회 구매는 쇼핑몰의 장바구니·주문으로 이어져요. (이 예시 페이지에는 장바구니가 없어요.)</Notice>}
      </Section>
      {shopId === 'demo-shop' && (
        <Section title="데모 상품">
          <ul>
            {DEMO_PRODUCTS.map(([id, note]) => (
              <li>
                <a href={`/product.html?shop=demo-shop&product=${id}`}>{id}</a> <span class="muted small">{note}</span>
              </li>
            ))}
          </ul>
        </Section>
      )}
      <Section title="쇼핑몰 상품 상세 페이지에 넣기">
        <p class="small">스크립트 한 줄과 태그 하나면 돼요. 위젯은 자체 shadow DOM에 그려져 쇼핑몰의 스타일과 섞이지 않아요.</p>
        <pre class="snippet">{snippet}</pre>
      </Section>
    </Page>
  );
}

void boot(() => <ProductPage />);
