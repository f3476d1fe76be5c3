/**
 * The storefront widget: one script tag on a shop's product-detail page.
 *
 *   <script src="https://<site>/widget.js" defer></script>
 *   <subscription-widget shop="demo-shop" product="house-blend-1kg"></subscription-widget>
 *
 * It renders 구매방법 (1회 구매 / 정기배송), 배송 주기 and the quantity in its
 * own shadow root (the shop's styles and ours never meet), and sends the
 * buyer to the order form for 정기배송. Attributes: `shop`, `product`;
 * optional `api` (the API's URL; by default read from config.json beside the
 * script) and `order-url` (by default order.html beside the script).
 * Events (bubbling, composed): `subscription-select` whenever the choice
 * changes, `one-time-purchase` when the buyer picks 1회 구매 — the shop's own
 * cart handles one-time orders.
 */
import { render } from 'preact';
import { PurchaseMethod, type WidgetSelection } from './purchase-method.tsx';
import css from './widget.css?inline';

const scriptUrl = (document.currentScript as HTMLScriptElement | null)?.src ?? location.href;
let configured: Promise<string> | undefined;

/** The API's base URL from the site's config.json beside this script (the local runtime: same origin). */
function apiBaseFromSite(): Promise<string> {
  configured ??= fetch(new URL('config.json', scriptUrl))
    .then((response): Promise<{ apiBase?: string }> | { apiBase?: string } => (response.ok ? response.json() : {}))
    .then((config) => String(config.apiBase ?? '').replace(/\/$/, '') || new URL(scriptUrl).origin)
    .catch(() => new URL(scriptUrl).origin);
  return configured;
}

class SubscriptionWidget extends HTMLElement {
  static observedAttributes = ['shop', 'product', 'api', 'order-url'];
  private readonly root = this.attachShadow({ mode: 'open' });

  connectedCallback(): void {
    void this.update();
  }

  attributeChangedCallback(): void {
    if (this.isConnected) void this.update();
  }

  disconnectedCallback(): void {
    render(null, this.root);
  }

  private async update(): Promise<void> {
    const shopId = this.getAttribute('shop');
    const productId = this.getAttribute('product');
    if (!shopId || !productId) {
      render(<p>subscription-widget: shop과 product 속성이 필요해요.</p>, this.root);
      return;
    }
    const apiBase = this.getAttribute('api') ?? (await apiBaseFromSite());
    const orderUrl = this.getAttribute('order-url') ?? new URL('order.html', scriptUrl).toString();
    const emit = (name: string) => (detail: WidgetSelection) => this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
    render(
      <>
        <style>{css}</style>
        <PurchaseMethod apiBase={apiBase} shopId={shopId} productId={productId} orderUrl={orderUrl} onSelect={emit('subscription-select')} onOneTime={emit('one-time-purchase')} />
      </>,
      this.root,
    );
  }
}

if (!customElements.get('subscription-widget')) customElements.define('subscription-widget', SubscriptionWidget);
