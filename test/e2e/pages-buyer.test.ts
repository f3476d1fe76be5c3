/**
 * The buyer's pages in a real browser (Chromium through playwright-core) at
 * 375 px, against the real local system: the product page's widget (S13,
 * S14), the one-touch order form (S5, S15, S17), the sandbox PG's window,
 * the result page's checkout, and my subscriptions. Failures (a foreign card,
 * S16; the window closed) show their message and leave nothing half-done.
 * Also here, because they need the running system: the pages' API types are
 * exactly what its GET /openapi.json describes, and the README states the
 * widget's size.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/handlers.ts';
import { apiTypesFor, checkedInApiTypes } from '../../web/api-types.ts';
import { WIDGET_FILE } from '../../web/build.ts';
import { launchBrowser, PHONE, type TestBrowser } from '../support/browser.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, subscribe } from '../support/storefront.ts';

let t: TestSystem;
let browser: TestBrowser;
let shopId: string;
let page: Page;
let buyers = 0;

beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  [{ shopId }, browser] = await Promise.all([activeShop(t, { kakaopay: true }), launchBrowser(), t.system.pages.prepare()]);
  page = await browser.page('buyer', PHONE);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const url = (path: string) => `${t.system.url}${path}`;

/** 나의 정기배송 signed in as this buyer (signing out whoever was signed in). */
async function openMyPageAs(sub: string): Promise<void> {
  await page.goto(url('/my.html'));
  if (await page.getByTestId('whoami').isVisible()) await page.getByRole('button', { name: '로그아웃' }).click();
  await page.locator('input[name=shop]').fill(shopId);
  await page.locator('input[name=sub]').fill(sub);
  await page.getByRole('button', { name: /데모 구매자로 로그인/ }).click();
}

/** Signs in as a new demo buyer on the order form (each case has its own buyer, so its card and list are its own). */
async function newBuyerOnOrderForm(productId: string): Promise<string> {
  buyers += 1;
  const sub = `buyer-${buyers}`;
  await page.goto(url(`/product.html?shop=${shopId}&product=${productId}`));
  await page.getByTestId('purchase-method').getByText('정기배송', { exact: true }).click();
  await page.getByTestId('to-order-form').click();
  await page.waitForURL(/\/order\.html/);
  // Signed in already (the previous case's buyer) or not: wait for the page to say which.
  await page.locator('[data-testid=whoami], [data-testid=demo-login-customer]').first().waitFor();
  if (await page.getByTestId('whoami').isVisible()) await page.getByRole('button', { name: '로그아웃' }).click();
  await page.locator('input[name=sub]').fill(sub);
  await page.getByRole('button', { name: /데모 구매자로 로그인/ }).click();
  await page.getByTestId('order-form').waitFor();
  await page.locator('input[name=email]').fill(`${sub}@example.com`);
  await page.locator('input[name=phone]').fill('010-1234-5678');
  await page.locator('input[name=recipient]').fill('김민지');
  await page.locator('input[name=postalCode]').fill('04524');
  await page.locator('input[name=address1]').fill('서울특별시 중구 세종대로 110');
  return sub;
}

/**
 * "정기배송 신청하기", then the sandbox window: a test card, closing it, or
 * (`refused`) coming back with a key the PG then refuses to exchange.
 */
async function applyWithWindow(card: string | 'close' | 'refused'): Promise<void> {
  await page.getByTestId('apply').click();
  await page.waitForURL(/\/_local\/sandbox-pg\/window\?/);
  if (card === 'close') {
    await page.getByTestId('window-close').click();
  } else if (card === 'refused') {
    const success = new URL(new URL(page.url()).searchParams.get('successUrl')!);
    success.searchParams.set('authKey', 'sbx_auth_never_issued');
    await page.goto(success.toString());
  } else {
    await page.getByRole('button', { name: card }).click();
    await page.getByTestId('window-register').click();
  }
  await page.waitForURL(/\/order-complete\.html\?/);
}

describe('the buyer at 375 px', () => {
  it('subscribes through the widget, the one-touch order form and the sandbox card window, and sees the subscription ACTIVE (S5, S13, S15, S17)', async () => {
    await page.goto(url(`/product.html?shop=${shopId}&product=beans`));
    // The widget: 구매방법 with both methods, 배송 주기 once 정기배송 is picked, the price per delivery.
    const widget = page.getByTestId('purchase-method');
    await widget.getByText('정기배송', { exact: true }).click();
    await widget.locator('select[name=cycle]').selectOption('1m');
    await widget.getByRole('button', { name: '수량 더하기' }).click();
    await expect.poll(() => widget.innerText()).toContain('50,000원');

    const sub = await newBuyerOnOrderForm('beans');
    // The form came with the widget's choice; the first notice and charge are D-2 and D-1 of the start date.
    const start = await page.locator('input[name=startDate]').inputValue();
    const options = (await t.call('GET', `/shops/${shopId}/products/beans/purchase-options`)).body;
    expect(start).toBe(options.earliestStartDate);
    const dayBefore = (days: number) => new Date(Date.parse(`${start}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '.');
    expect(await page.getByTestId('notice-date').innerText()).toContain(dayBefore(2));
    expect(await page.getByTestId('charge-date').innerText()).toContain(dayBefore(1));
    await page.locator('select[name=cycle]').selectOption('1m');
    await page.locator('input[name=quantity]').fill('2');
    await expect.poll(() => page.getByTestId('amount').innerText()).toBe('50,000원');
    // One-touch on a phone: the button is on screen without scrolling.
    expect(await page.getByTestId('apply').isVisible()).toBe(true);
    const box = await page.getByTestId('apply').boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);

    await applyWithWindow('9410-0000-0000-0001');
    await page.getByTestId('order-success').waitFor();
    expect(await page.getByTestId('subscription-status').getAttribute('data-status')).toBe('ACTIVE');

    await page.goto(url('/my.html'));
    const mine = page.getByTestId('my-subscription');
    await mine.waitFor();
    expect(await mine.getByTestId('subscription-status').getAttribute('data-status')).toBe('ACTIVE');
    expect(await page.getByTestId('registered-card').innerText()).toContain('****-0001');
    // What the pages show is what the API holds.
    const token = await t.token('customer', shopId, sub);
    const { items } = (await t.call('GET', '/subscriptions', { token })).body;
    expect(items).toEqual([expect.objectContaining({ status: 'ACTIVE', cycle: '1m', startDate: start, items: [{ productId: 'beans', quantity: 2, status: 'ACTIVE' }], card: expect.objectContaining({ issuer: 'Sandbox Card', last4: '0001' }) })]);
  });

  it('pays with KakaoPay through its window when the shop offers it beside the card (S9, S10)', async () => {
    const sub = await newBuyerOnOrderForm('beans');
    await page.locator('input[name=paymentMethod][value=kakaopay]').check();
    await page.getByTestId('apply').click();
    await page.waitForURL(/\/_local\/sandbox-pg\/window\?.*method=kakaopay/);
    await page.getByText('카카오페이 머니').click();
    await page.getByTestId('window-register').click();
    await page.waitForURL(/\/order-complete\.html\?.*pg_token=/);
    await page.getByTestId('order-success').waitFor();
    const token = await t.token('customer', shopId, sub);
    const { items } = (await t.call('GET', '/subscriptions', { token })).body;
    expect(items).toEqual([expect.objectContaining({ status: 'ACTIVE', paymentMethod: 'kakaopay' })]);
  });

  it.each([
    ['a foreign card is refused (S16)', '4242-4242-4242-4242', 'FOREIGN_CARD_NOT_ALLOWED', '해외에서 발급된 카드'],
    ['the window closed', 'close', 'USER_CANCEL', '카드 등록 창을 닫았어요'],
    ['the PG refuses the registration', 'refused', 'CARD_REGISTRATION_FAILED', '카드를 등록하지 못했어요'],
  ] as const)('%s: the message is shown, the signup is withdrawn and no card is kept', async (_case, card, code, message) => {
    const sub = await newBuyerOnOrderForm('beans');
    await applyWithWindow(card);
    const failure = page.getByTestId('order-failure');
    await failure.waitFor();
    expect(await failure.locator('[data-code]').getAttribute('data-code')).toBe(code);
    expect(await failure.innerText()).toContain(message);

    const token = await t.token('customer', shopId, sub);
    const { items } = (await t.call('GET', '/subscriptions', { token })).body;
    expect(items.map((item: { status: string }) => item.status)).toEqual(['CANCELLED']);
    expect(items[0].card).toBeUndefined();
    expect((await t.call('GET', '/me/card', { token })).status).toBe(404);
    // Back on the order form, what the buyer typed is still there.
    await page.getByRole('link', { name: /주문서로 돌아가/ }).click();
    await page.getByTestId('order-form').waitFor();
    expect(await page.locator('input[name=email]').inputValue()).toBe(`${sub}@example.com`);
  });

  it.each([
    ['a 1+N event product offers one-time purchase only, and says why (S14)', 'event', true],
    ['a product not set for subscription offers one-time purchase only (S13)', 'mug', false],
  ] as const)('%s', async (_case, productId, explained) => {
    await page.goto(url(`/product.html?shop=${shopId}&product=${productId}`));
    const widget = page.getByTestId('purchase-method');
    await widget.waitFor();
    expect(await widget.locator('input[name=purchase-method]').evaluateAll((inputs) => inputs.map((input) => input.getAttribute('value')))).toEqual(['one-time']);
    expect((await widget.innerText()).includes('1+N 이벤트 상품은 정기배송을 이용할 수 없어요')).toBe(explained);
  });
});

describe('my subscriptions, after the payment notice (S18, S19)', () => {
  it('says before each cancel what it does to the announced cycle, and does exactly that', async () => {
    // Two products, noticed: the notice run of the D-2 has locked the amount.
    const { sub, subscription, detail } = await newSubscriber();
    await t.call('POST', '/_local/clock', { body: { now: `${subscription.nextNoticeDate}T09:00:00+09:00` } });
    await openMyPageAs(sub);
    const mine = page.getByTestId('my-subscription');
    await mine.getByTestId('announced-amount').waitFor();
    const announced = await mine.getByTestId('announced-amount').innerText();

    // Some items: the announced amount is still charged, the cancel applies from the next cycle (S18).
    await mine.locator('label.check').filter({ hasText: 'Drip bags' }).locator('input').check();
    await mine.getByRole('button', { name: '선택한 상품 해지' }).click();
    expect(await mine.getByTestId('cancel-consequence').innerText()).toMatch(new RegExp(`${announced}.*일부 상품만 해지하면 이번 회차는 안내된 금액 그대로 결제되고, 해지는 다음 회차부터`));
    await mine.getByTestId('confirm-cancel').click();
    // The page is done with this cancel when its dialog closes (the API may answer the poll below a moment earlier;
    // a click on 전체 해지 before that would have its dialog closed under it by this cancel's ending).
    await mine.getByTestId('cancel-consequence').waitFor({ state: 'detached' });
    await expect.poll(async () => (await detail()).items.map((item: { status: string }) => item.status)).toEqual(['ACTIVE', 'CANCELLED']);
    expect((await detail()).cycles.map((cycle: { status: string }) => cycle.status)).toEqual(['NOTICED']);

    // Everything announced: that cycle is not charged (S19).
    await mine.getByTestId('cancel-all').click();
    expect(await mine.getByTestId('cancel-consequence').innerText()).toContain('안내된 상품을 모두 해지하면 이번 회차는 결제되지 않아요');
    await mine.getByTestId('confirm-cancel').click();
    await expect.poll(async () => (await detail()).status).toBe('CANCELLED');
    expect((await detail()).cycles.map((cycle: { status: string }) => cycle.status)).toEqual(['SKIPPED']);
  });
});

describe('the pages and the API cannot drift', () => {
  it("the checked-in API types are what the running system's GET /openapi.json generates", async () => {
    const document = (await t.call('GET', '/openapi.json')).body;
    expect(await apiTypesFor(document)).toBe(checkedInApiTypes());
  });

  it("the README states the storefront widget's gzipped size", async () => {
    const { dir } = await t.system.pages.prepare();
    const { gzipSync } = await import('node:zlib');
    const gzipped = gzipSync(readFileSync(join(dir, WIDGET_FILE)), { level: 9 }).length;
    const stated = /widget\.js[^\n]*?([\d.]+) kB gzipped/.exec(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'));
    expect(stated, 'README.md says "widget.js … N.N kB gzipped"').not.toBeNull();
    // Within half a kilobyte: the README is rounded, and a change that grows the widget must update it.
    expect(Math.abs(Number(stated![1]) * 1000 - gzipped)).toBeLessThan(500);
  });
});

/** A new buyer with an ACTIVE subscription made through the API, and a read of it as the API then shows it. */
async function newSubscriber() {
  buyers += 1;
  const sub = `buyer-${buyers}`;
  const token = await t.token('customer', shopId, sub);
  const subscription = await subscribe(t, token, shopId);
  const detail = async () => (await t.call('GET', `/subscriptions/${subscription.id}`, { token })).body;
  return { sub, token, subscription, detail };
}

describe('my subscriptions, between deliveries (issue 13)', () => {
  it('pauses, resumes and skips the next delivery from the page, as the API then shows', async () => {
    const { sub, detail } = await newSubscriber();
    await openMyPageAs(sub);
    const box = page.getByTestId('my-subscription').getByTestId('between-deliveries');

    await box.getByTestId('pause').click();
    await box.getByTestId('resume').waitFor();
    expect((await detail()).status).toBe('PAUSED');

    await box.getByTestId('resume').click();
    await box.getByTestId('skip-next').waitFor();
    const resumed = await detail();
    expect(resumed.status).toBe('ACTIVE');

    await box.getByTestId('skip-next').click();
    await expect.poll(async () => (await detail()).nextDeliveryDate).not.toBe(resumed.nextDeliveryDate);
    const skipped = await detail();
    expect(skipped.nextDeliveryDate > resumed.nextDeliveryDate).toBe(true);
    expect(skipped.history.map((entry: { action: string }) => entry.action)).toEqual(expect.arrayContaining([expect.stringMatching(/pause/i), expect.stringMatching(/resume/i), expect.stringMatching(/skip/i)]));
  });

  it('changes the cycle and the address, shows a refused date as the API says, and replaces the card through the window (S10, S18)', async () => {
    const { sub, token, subscription, detail } = await newSubscriber();
    const card = async () => (await t.call('GET', '/me/card?method=card', { token })).body;
    const before = await card();
    await openMyPageAs(sub);
    const box = page.getByTestId('my-subscription').getByTestId('between-deliveries');

    // A date two years out is outside the shop's window: the API's refusal is shown, nothing changes.
    await box.getByTestId('change-open').click();
    const form = box.getByTestId('change-form');
    await form.locator('input[name=nextDeliveryDate]').fill('2099-01-05');
    await form.getByTestId('change-save').click();
    await form.getByTestId('error').waitFor();
    expect((await detail()).nextDeliveryDate).toBe(subscription.nextDeliveryDate);

    await form.locator('input[name=nextDeliveryDate]').fill(subscription.nextDeliveryDate);
    await form.locator('select[name=cycle]').selectOption('1m');
    await form.locator('input[name=address-address1]').fill('부산광역시 해운대구 센텀중앙로 79');
    await form.getByTestId('change-save').click();
    await form.waitFor({ state: 'detached' });
    const changed = await detail();
    expect(changed.cycle).toBe('1m');
    expect(changed.shippingAddress.address1).toBe('부산광역시 해운대구 센텀중앙로 79');
    expect(changed.shippingAddress.recipient).toBe(subscription.shippingAddress.recipient);
    expect(changed.history.map((entry: { action: string }) => entry.action)).toContain('change');

    // 카드 변경: the sandbox window, another test card; the result page's checkout replaces the card (S10).
    await box.getByTestId('change-card').click();
    await page.waitForURL(/\/_local\/sandbox-pg\/window\?/);
    await page.getByRole('button', { name: '9410-0000-0000-0004' }).click();
    await page.getByTestId('window-register').click();
    await page.waitForURL(/\/order-complete\.html\?/);
    await page.getByTestId('card-changed').waitFor();
    const after = await card();
    expect(after.expiry).not.toEqual(before.expiry);
    expect((await detail()).status).toBe('ACTIVE');
  });
});
