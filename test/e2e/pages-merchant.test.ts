/**
 * The platform's, the merchant's and the dev console's pages in a real
 * browser at desktop width, against the real local system, in the order a
 * newcomer clicks through them: the platform registers a shop (S8); the
 * merchant applies and sees the PG's documents (S1–S3); the platform approves
 * (S2) and tops up credits (S12); the merchant sees the service ACTIVE (S6),
 * marks a product subscribable (S13), finds a buyer's subscription in the
 * list with its filters and opens it (S20); the dev console runs the notice
 * and charge runs and shows the notice mail and SMS (S17); the merchant finds
 * the paid order and downloads the warehouse CSV (issue 13), and charges a
 * failed payment once more with 다시 결제 (the charge worker's result shown
 * after the 202); the merchant stops
 * the service through its confirmation and sees the progress (S22–S24).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, launchBrowser, type TestBrowser } from '../support/browser.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { subscribe } from '../support/storefront.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { cyclesRepository } from '../../functions/adapters/dynamodb/cycles.repo.ts';
import { subscriptionsRepository } from '../../functions/adapters/dynamodb/subscriptions.repo.ts';
import { seoulTimestamp } from '../../functions/core/dates.ts';
import { DEFAULT_DELIVERY_CALENDAR } from '../../functions/domain/delivery-calendar.ts';
import { followingDelivery, scheduledCycle, transition } from '../../functions/domain/cycle.ts';
import { LOCAL_TABLE_NAME } from '../../local/system.ts';

let t: TestSystem;
let browser: TestBrowser;
let page: Page;
const shopId = 'pages-roasters';

beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  [browser] = await Promise.all([launchBrowser(), t.system.pages.prepare()]);
  page = await browser.page('console', DESKTOP);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const url = (path: string) => `${t.system.url}${path}`;
const serviceStatus = () => page.getByTestId('service-status').getAttribute('data-status');

describe('a shop from registration to the stop, through the consoles', () => {
  it("the platform registers the shop and its PG contract; the merchant applies with no form and sees the documents its PG wants (S1–S3, S8)", async () => {
    await page.goto(url('/platform.html'));
    await page.getByRole('button', { name: /데모 플랫폼 운영자로 로그인/ }).click();
    const form = page.getByTestId('create-shop');
    await form.locator('input[name=shopId]').fill(shopId);
    await form.locator('input[name=name]').fill('페이지 로스터스');
    await form.locator('input[name=operatorEmail]').fill('owner@pages-roasters.example');
    await form.getByRole('button', { name: '등록' }).click();
    await page.getByTestId('shop-created').waitFor();
    // The shop's own contract with NICE Payments (sample keys the sandbox PG accepts): write-only, listed masked.
    const contract = page.getByTestId('pg-contract-form');
    await contract.locator('select[name=gateway]').selectOption('nicepay');
    await contract.getByTestId('fill-sample').click();
    await expect.poll(() => contract.locator('input[name=secretKey]').inputValue()).not.toBe('');
    await contract.getByTestId('register-contract').click();
    const listed = page.locator('[data-testid=pg-contracts] tr[data-gateway=nicepay]');
    await listed.waitFor();
    expect(await listed.innerText()).toMatch(/나이스페이먼츠.*지문/s);
    expect(await page.getByTestId('pg-contracts').innerText()).not.toContain((await t.call('GET', '/_local/sample-contracts')).body.nicepay.secretKey);

    await page.getByTestId('shop-created').getByRole('button', { name: /운영자로 정기배송 관리 열기/ }).click();
    await page.waitForURL(/\/admin\.html#service/);
    expect(await serviceStatus()).toBe('NOT_APPLIED');
    // The documents come with the gateways' list (GET /payment-gateways).
    await expect.poll(() => page.getByTestId('contracts').innerText()).toContain('정기 결제 특약서');
    await page.getByTestId('apply-service').click();
    await expect.poll(serviceStatus).toBe('REVIEWING');
    expect(await page.getByTestId('required-documents').innerText()).toContain('정기 결제 특약서');
  });

  it('the platform approves and tops up credits; the merchant sees the service ACTIVE (S2, S6, S12)', async () => {
    await page.goto(url('/platform.html'));
    await page.locator('input[name=shopId]').first().fill(shopId);
    await page.getByTestId('approve').click();
    expect(await page.getByTestId('review-result').innerText()).toContain('이용 중');
    await page.getByRole('button', { name: '충전' }).click();
    await page.getByText(`${shopId}: SMS 100건, 대량 메일 100건`).waitFor();

    await page.goto(url('/admin.html#service'));
    await expect.poll(serviceStatus).toBe('ACTIVE');
    expect(await page.getByTestId('active-count').innerText()).toBe('0건');
    await page.goto(url('/admin.html#credits'));
    expect(await page.getByTestId('sms-credits').innerText()).toBe('100건');
    expect(await page.getByTestId('ledger').innerText()).toMatch(/SMS\s+충전[^\n]*\+100/);
  });

  it("the merchant's notification settings are saved as shown (S11)", async () => {
    await page.goto(url('/admin.html#settings'));
    await page.locator('input[name=autoCancelOperator]').uncheck();
    await page.getByRole('button', { name: '저장' }).first().click();
    await page.getByText('저장했어요.').waitFor();
    const admin = await t.token('admin', shopId, 'owner');
    expect((await t.call('GET', '/admin/settings/notifications', { token: admin })).body).toMatchObject({ paymentNotice: { mail: true, sms: true }, autoCancel: { customerMail: true, operatorMail: false } });
  });

  it('the merchant marks a product subscribable, and its product page offers 정기배송 (S13)', async () => {
    await page.goto(url('/admin.html#products'));
    await page.getByRole('button', { name: '상품 추가' }).click();
    const form = page.getByTestId('product-form-new');
    await form.locator('input[name=productId]').fill('beans');
    await form.locator('input[name=name]').fill('원두 1kg');
    await form.locator('input[name=price]').fill('25000');
    await form.getByTestId('save-product').click();
    const row = page.locator('tr[data-product=beans]');
    await row.waitFor();
    expect(await row.innerText()).toContain('1회 구매 · 정기배송');
    expect((await t.call('GET', `/shops/${shopId}/products/beans/purchase-options`)).body.purchaseMethods).toEqual(['one-time', 'subscription']);
  });

  it('the merchant registers a webhook and sees its signing secret once (issue 13)', async () => {
    await page.goto(url('/admin.html#webhooks'));
    await page.getByRole('button', { name: '웹훅 등록' }).click();
    expect(await page.getByTestId('webhook-secret').innerText()).toMatch(/whsec_/);
    await page.getByText(/\/_local\/webhook-sink\/my-shop/).first().waitFor();
  });

  let jiho: { token: string; subscriptionId: string } | undefined;
  it("the merchant finds a buyer's subscription with the list's filters and opens it (S20)", async () => {
    const buyer = await t.token('customer', shopId, 'jiho');
    const subscription = await subscribe(t, buyer, shopId, '9410-0000-0000-0001', { items: [{ productId: 'beans', quantity: 1 }] });
    await page.goto(url('/admin.html#subscriptions'));
    const filters = page.getByTestId('subscription-filters');
    await filters.locator('select[name=status]').selectOption('ACTIVE');
    await filters.locator('input[name=customerId]').fill('jiho');
    // Issue 13: the buyer's email, exact but in any case.
    await filters.locator('input[name=email]').fill('BUYER@example.com');
    await filters.locator('input[name=productId]').fill('beans');
    await filters.locator('input[name=nextDeliveryFrom]').fill(subscription.nextDeliveryDate);
    await filters.locator('input[name=nextDeliveryTo]').fill(subscription.nextDeliveryDate);
    await filters.getByRole('button', { name: '조회' }).click();
    const row = page.locator(`tr[data-subscription="${subscription.id}"]`);
    await row.waitFor();
    expect(await page.locator('tr[data-subscription]').count()).toBe(1);
    await row.getByRole('link').click();
    await page.getByTestId('subscription-detail').waitFor();
    expect(await page.getByTestId('subscription-detail').innerText()).toContain('****-0001');
    jiho = { token: buyer, subscriptionId: subscription.id };
  });

  it('the dev console runs the notice and the charge run: the notice mail and SMS are in the outbox, the charge on the subscription (S17)', async () => {
    const detail = page.getByTestId('subscription-detail');
    const detailUrl = page.url();
    await page.goto(url('/dev.html'));
    // The next notice run may come before the subscription's D-2 (the clock starts at the real time): run until it is noticed.
    const notices = page.locator('[data-testid=outbox] [data-kind=payment-notice]');
    for (let run = 0; run < 3 && (await notices.count()) < 2; run += 1) {
      await page.getByTestId('run-notice').click();
      await page.getByTestId('fired-runs').waitFor();
      await page.waitForLoadState('networkidle');
    }
    expect(await page.locator('[data-testid=outbox] [data-kind=payment-notice][data-channel=mail]').count()).toBe(1);
    expect(await page.locator('[data-testid=outbox] [data-kind=payment-notice][data-channel=sms]').count()).toBe(1);
    expect(await page.locator('[data-testid=outbox] [data-channel=sms]').innerText()).toContain('25,000');
    // The merchant's webhook endpoint (the dev sink) received the buyer's activation, signed per Standard Webhooks.
    const webhooks = page.locator('[data-testid=outbox] [data-channel=webhook][data-kind="subscription.activated"]');
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: '새로 고침' }).last().click();
        return webhooks.count();
      })
      .toBe(1);
    expect(await webhooks.innerText()).toMatch(/webhook-signature: v1,/);

    // The subscription's page links its charge date to the clock, set to that day's charge run.
    await page.goto(detailUrl);
    await detail.getByRole('link', { name: '(시계 이동)' }).last().click();
    await page.waitForURL(/\/dev\.html\?date=.*&run=chargeRun/);
    await page.getByTestId('run-on-date').click();
    await page.getByTestId('fired-runs').getByText(/결제 실행/).first().waitFor();
    await page.goto(detailUrl);
    await detail.waitFor();
    expect(await detail.locator('table[data-testid=cycles] tr[data-status]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')))).toEqual(['CHARGED']);
  });

  it('the merchant sees the paid order in 주문(배송) and downloads the CSV the warehouse opens in Excel (issue 13)', async () => {
    await page.goto(url('/admin.html#orders'));
    const rows = page.locator('[data-testid=orders] tr[data-order]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('25,000원');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('orders-csv').click()]);
    const bytes = readFileSync(await download.path());
    // UTF-8 with its byte-order mark (Excel reads Korean right), a header and one CRLF-ended row.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toMatch(/^주문번호,배송일,수령인/);
    expect(lines.filter((line) => line.includes(',25000,'))).toHaveLength(1);
  });

  it('the merchant sees who answered a price increase, and how (issue 14, the 30-day consent)', async () => {
    expect(jiho, 'the buyer subscribed above').toBeDefined();
    const admin = await t.token('admin', shopId, 'owner');
    const product = (await t.call('GET', '/admin/products/beans', { token: admin })).body;
    const { productId: _id, updatedAt: _at, subscribable: _s, priceChanges: _c, ...body } = product;
    expect((await t.call('PUT', '/admin/products/beans', { token: admin, body: { ...body, price: product.price + 2_000 } })).status).toBe(200);
    await t.system.queues.drain();
    expect((await t.call('POST', `/subscriptions/${jiho!.subscriptionId}/price-consent`, { token: jiho!.token, body: { accept: true } })).status).toBe(200);
    await page.goto(url(`/admin.html#subscriptions/${jiho!.subscriptionId}`));
    const consents = page.getByTestId('price-consents');
    await consents.waitFor();
    expect(await consents.innerText()).toMatch(new RegExp(`${(product.price as number).toLocaleString('ko-KR')}원 → ${(product.price + 2_000).toLocaleString('ko-KR')}원.*동의 \\(jiho`));
  });

  it("the merchant charges a failed payment once more with 다시 결제: 결제를 요청했어요, then the charge worker's result (issue 13)", async () => {
    expect(jiho, 'the buyer subscribed above').toBeDefined();
    // jiho's next delivery, announced and then not chargeable (as a charge run leaves it): FAILED, in the failed payments.
    const db = createDocumentClient();
    const cycles = cyclesRepository(db, LOCAL_TABLE_NAME);
    const subscription = (await subscriptionsRepository(db, LOCAL_TABLE_NAME).get(jiho!.subscriptionId))!;
    const planned = (await cycles.get({ subscriptionId: subscription.id, deliveryDate: subscription.nextDeliveryDate! }))!;
    const following = followingDelivery(subscription, planned, DEFAULT_DELIVERY_CALENDAR);
    await cycles.schedule(scheduledCycle(subscription, following));
    const at = seoulTimestamp(t.system.clock.now());
    const notice = { mail: { state: 'SENT', attempts: 1, at, messageId: 'm' }, sms: { state: 'SENT', attempts: 1, at, messageId: 's' } } as const;
    const locked = transition(planned, { type: 'lock', lines: subscription.items.map(({ productId, quantity }) => ({ productId, quantity, unitPrice: 25_000 })), orderName: 'Beans', notice, following: following.deliveryDate });
    const failed = locked.ok ? transition(locked.next, { type: 'notChargeable', failure: { code: 'REJECT_CARD_PAYMENT', message: '한도 초과', at } }) : locked;
    expect(failed.ok && locked.ok && (await cycles.write(locked.next, locked.expect)) && (await cycles.write(failed.next, failed.expect))).toBe(true);

    await page.goto(url('/admin.html#orders'));
    await page.getByTestId('order-filters').locator('select[name=status]').selectOption('FAILED');
    const row = page.locator(`[data-testid=orders] tr[data-subscription="${subscription.id}"]`);
    await row.getByTestId('retry').click();
    await page.getByTestId('confirm').click();
    // 202 at once; the charge worker charges it within moments, and the page reads the orders until it shows.
    const result = row.getByTestId('retry-result');
    await expect.poll(() => result.innerText().catch(() => '')).toMatch(/결제를 요청했어요|결제되었어요/);
    await expect.poll(() => result.innerText(), { timeout: 15_000 }).toBe('결제되었어요');
    expect(await cycles.get(planned)).toMatchObject({ status: 'CHARGED', attempts: 1 });
  });

  it('the merchant stops the service after a confirmation that says what it does, and sees the progress (S22–S24)', async () => {
    await page.goto(url('/admin.html#service'));
    await expect.poll(serviceStatus).toBe('ACTIVE');
    await page.getByTestId('stop-service').click();
    const confirmation = page.getByTestId('stop-confirm');
    const said = await confirmation.innerText();
    for (const words of ['1건이 모두 시스템에서 자동 해지', '정기결제 카드 정보가 PG사와 시스템에서 일괄 삭제', '대량 메일 건수가 차감', '되돌릴 수 없어요']) expect(said).toContain(words);
    await confirmation.getByTestId('confirm').click();
    await expect.poll(serviceStatus, { timeout: 10_000 }).toBe('STOPPED');
    const progress = page.getByTestId('stop-progress');
    await expect.poll(() => progress.getAttribute('data-phase')).toBe('DONE');
    const shown = await progress.innerText();
    expect(shown).toMatch(/자동 해지된 정기배송\s*1건/);
    expect(shown).toMatch(/삭제된 정기결제 카드 정보\s*1건/);
  });
});
