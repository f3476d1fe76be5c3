/**
 * `npm run screenshots`: walks the newcomer's whole path through the pages —
 * no curl, only clicks — on a fresh in-memory system, and saves a screenshot
 * of each page in docs/pages/ (the README shows them). The platform creates a
 * shop and registers its PG contracts; the merchant applies; the platform
 * approves and tops up credits; the merchant marks a product subscribable; a
 * buyer subscribes on a phone through the card window; the dev console moves
 * the clock to the notice and the charge; a foreign card is refused; the
 * merchant stops the service.
 *
 * Needs Debian's chromium and, for Korean text, a Korean font (fonts-nanum).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../local/handlers.ts';
import { startLocalSystem } from '../local/system.ts';
import { DESKTOP, launchBrowser, PHONE } from '../test/support/browser.ts';

const OUT = join(REPO_ROOT, 'docs', 'pages');
mkdirSync(OUT, { recursive: true });

const system = await startLocalSystem({ port: 0, data: 'memory', seed: true, tick: false, buildPages: true, env: { LOG_LEVEL: 'ERROR' } });
const browser = await launchBrowser();
const url = (path: string) => `${system.url}${path}`;
const shot = async (page: Page, name: string) => {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  console.log(`docs/pages/${name}.png`);
};

try {
  await system.pages.prepare();
  const desk = await browser.page('desk', DESKTOP);
  const phone = await browser.page('phone', PHONE);
  const shopId = 'morning-beans';

  // The platform: a shop, its PG contracts (sample keys the sandbox accepts), credits.
  await desk.goto(url('/platform.html'));
  await desk.getByRole('button', { name: /데모 플랫폼 운영자로 로그인/ }).click();
  const create = desk.getByTestId('create-shop');
  await create.locator('input[name=shopId]').fill(shopId);
  await create.locator('input[name=name]').fill('모닝 빈스');
  await create.locator('input[name=operatorEmail]').fill('owner@morning-beans.example');
  await create.getByRole('button', { name: '등록' }).click();
  await desk.getByTestId('shop-created').waitFor();
  const contract = desk.getByTestId('pg-contract-form');
  for (const gateway of ['tosspayments', 'kakaopay']) {
    await contract.locator('select[name=gateway]').selectOption(gateway);
    await contract.getByTestId('fill-sample').click();
    await desk.waitForTimeout(100);
    await contract.getByTestId('register-contract').click();
    await desk.locator(`[data-testid=pg-contracts] tr[data-gateway=${gateway}]`).waitFor();
  }
  await shot(desk, 'platform');

  // The merchant applies with no form (S1) and sees the documents (S3).
  await desk.getByTestId('shop-created').getByRole('button', { name: /운영자로 정기배송 관리 열기/ }).click();
  await desk.waitForURL(/admin\.html/);
  await desk.getByTestId('apply-service').click();
  await desk.locator('[data-testid=service-status][data-status=REVIEWING]').waitFor();
  await shot(desk, 'admin-service-reviewing');

  // The PG approves (posted by the platform), and credits are bought.
  await desk.goto(url('/platform.html'));
  await desk.locator('input[name=shopId]').first().fill(shopId);
  await desk.getByTestId('approve').click();
  await desk.getByTestId('review-result').waitFor();
  await desk.getByRole('button', { name: '충전' }).click();
  await desk.getByText(/SMS 100건/).waitFor();

  // The merchant: ACTIVE, a subscribable product.
  await desk.goto(url('/admin.html#products'));
  await desk.getByRole('button', { name: '상품 추가' }).click();
  const product = desk.getByTestId('product-form-new');
  await product.locator('input[name=productId]').fill('beans-1kg');
  await product.locator('input[name=name]').fill('모닝 블렌드 원두 1kg');
  await product.locator('input[name=price]').fill('25000');
  await product.getByTestId('save-product').click();
  await desk.locator('tr[data-product=beans-1kg]').waitFor();
  await shot(desk, 'admin-products');

  // A buyer on a phone: the widget, the one-touch order form, the card window, the result.
  await phone.goto(url(`/product.html?shop=${shopId}&product=beans-1kg`));
  await phone.getByTestId('purchase-method').getByText('정기배송', { exact: true }).click();
  await shot(phone, 'product-widget');
  await phone.getByTestId('to-order-form').click();
  await phone.getByRole('button', { name: /데모 구매자로 로그인/ }).click();
  await phone.getByTestId('order-form').waitFor();
  await phone.locator('input[name=email]').fill('minji@morning-beans.example');
  await phone.locator('input[name=phone]').fill('010-1234-5678');
  await phone.locator('input[name=recipient]').fill('김민지');
  await phone.locator('input[name=postalCode]').fill('04524');
  await phone.locator('input[name=address1]').fill('서울특별시 중구 세종대로 110');
  await shot(phone, 'order-form');
  await phone.getByTestId('apply').click();
  await phone.waitForURL(/sandbox-pg\/window/);
  await phone.getByRole('button', { name: '9410-0000-0000-0001' }).click();
  await shot(phone, 'card-window');
  await phone.getByTestId('window-register').click();
  await phone.getByTestId('order-success').waitFor();
  await shot(phone, 'order-complete');

  // The dev console: the clock to the notice (the result page links the date), then the outbox.
  await phone.getByRole('link', { name: '(시계 이동)' }).first().click();
  await phone.waitForURL(/dev\.html/);
  await desk.goto(phone.url());
  await desk.getByTestId('run-on-date').click();
  await desk.locator('[data-testid=outbox] [data-kind=payment-notice][data-channel=sms]').waitFor();
  await shot(desk, 'dev-console');
  await phone.goto(url('/my.html'));
  await phone.getByTestId('announced-amount').waitFor();
  await shot(phone, 'my-subscriptions');

  // The charge (D-1), seen on the merchant's subscription.
  await desk.goto(url('/admin.html#subscriptions'));
  await desk.locator('tr[data-subscription] a').first().click();
  await desk.getByTestId('subscription-detail').waitFor();
  await desk.getByTestId('subscription-detail').getByRole('link', { name: '(시계 이동)' }).last().click();
  await desk.getByTestId('run-on-date').click();
  await desk.getByTestId('fired-runs').waitFor();
  await desk.goBack();
  await desk.reload();
  await desk.locator('table[data-testid=cycles] tr[data-status=CHARGED]').waitFor();
  await shot(desk, 'admin-subscription');
  await desk.goto(url('/admin.html#subscriptions'));
  await desk.locator('tr[data-subscription]').first().waitFor();
  await shot(desk, 'admin-subscriptions');

  // A foreign card is refused (S16).
  await phone.goto(url(`/order.html?shop=${shopId}&product=beans-1kg&cycle=2w&quantity=1`));
  await phone.getByRole('button', { name: '로그아웃' }).click();
  await phone.locator('input[name=sub]').fill('jiho');
  await phone.getByRole('button', { name: /데모 구매자로 로그인/ }).click();
  await phone.getByTestId('order-form').waitFor();
  await phone.locator('input[name=email]').fill('jiho@morning-beans.example');
  await phone.locator('input[name=phone]').fill('010-2222-3333');
  await phone.locator('input[name=recipient]').fill('이지호');
  await phone.locator('input[name=postalCode]').fill('06236');
  await phone.locator('input[name=address1]').fill('서울특별시 강남구 테헤란로 152');
  await phone.getByTestId('apply').click();
  await phone.waitForURL(/sandbox-pg\/window/);
  await phone.getByRole('button', { name: '4242-4242-4242-4242' }).click();
  await phone.getByTestId('window-register').click();
  await phone.getByTestId('order-failure').waitFor();
  await shot(phone, 'order-foreign-card');

  // The merchant stops the service: the confirmation, then the progress.
  await desk.goto(url('/admin.html#service'));
  await desk.getByTestId('stop-service').click();
  await shot(desk, 'admin-stop-confirm');
  await desk.getByTestId('stop-confirm').getByTestId('confirm').click();
  await desk.locator('[data-testid=stop-progress][data-phase=DONE]').waitFor({ timeout: 15_000 });
  await shot(desk, 'admin-service-stopped');
} finally {
  await browser.close();
  await system.stop();
}
