/**
 * 주문서 작성 — the one-touch order form (S5, S15): everything on one page, the
 * amount and "정기배송 신청하기" always in reach on a phone. The buyer picks the
 * 배송 시작일 within the shop's window, gives contact and address, picks card
 * or KakaoPay as the shop offers them (S9, S16), sees the price per delivery
 * and when the first 정기배송 결제 안내 (D-2) and charge (D-1) happen (S17),
 * then the PG's registration window opens.
 */
import { useState } from 'preact/hooks';
import { api, ok } from '../api/session-api.ts';
import { ApiError } from '../api/errors.ts';
import { clearDraft, loadDraft, saveDraft, type OrderDraft } from '../storefront/draft.ts';
import { openRegistrationWindow, resultUrls } from '../storefront/registration-window.ts';
import { day, firstRun, won } from '../ui/format.ts';
import { useAction, useLoad } from '../ui/hooks.ts';
import { ErrorNotice, Field, Loading, Notice, Page, Section } from '../ui/kit.tsx';
import { cycleLabel, paymentMethodLabel, TERMS } from '../ui/labels.ts';
import { WithSession } from '../ui/sign-in.tsx';
import { siteConfig } from '../config.ts';
import { boot } from './boot.tsx';

import { loadPurchaseOptions, offersSubscription, type PurchaseOptions } from '../storefront/purchase-options.ts';

/** The API's field paths, as the form names them (a refused field is marked where the buyer typed it). */
const FIELD_OF: Record<string, keyof OrderDraft> = {
  'contact.email': 'email',
  'contact.phone': 'phone',
  'shippingAddress.recipient': 'recipient',
  'shippingAddress.phone': 'recipientPhone',
  'shippingAddress.postalCode': 'postalCode',
  'shippingAddress.address1': 'address1',
  'shippingAddress.address2': 'address2',
  startDate: 'startDate',
  cycle: 'cycle',
};

function OrderForm(props: { shopId: string; productId: string; options: PurchaseOptions; customer: string }) {
  const { shopId, productId, options } = props;
  const params = new URLSearchParams(location.search);
  const saved = loadDraft(shopId, productId);
  const wantedCycle = saved.cycle ?? params.get('cycle') ?? '';
  const [draft, setDraft] = useState<OrderDraft>({
    shopId,
    productId,
    quantity: saved.quantity ?? Math.min(99, Math.max(1, Number(params.get('quantity')) || 1)),
    cycle: options.cycles.includes(wantedCycle as never) ? wantedCycle : (options.cycles[0] ?? ''),
    startDate: saved.startDate && saved.startDate >= options.earliestStartDate! && saved.startDate <= options.latestStartDate! ? saved.startDate : options.earliestStartDate!,
    paymentMethod: saved.paymentMethod && options.paymentMethods.includes(saved.paymentMethod) ? saved.paymentMethod : (options.paymentMethods[0] ?? 'card'),
    email: saved.email ?? '',
    phone: saved.phone ?? '',
    recipient: saved.recipient ?? '',
    recipientPhone: saved.recipientPhone ?? '',
    postalCode: saved.postalCode ?? '',
    address1: saved.address1 ?? '',
    address2: saved.address2 ?? '',
  });
  const set = <K extends keyof OrderDraft>(key: K) => (event: { currentTarget: { value: string } }) => setDraft({ ...draft, [key]: event.currentTarget.value });
  const amount = options.product.price * draft.quantity;
  const { noticeDate, chargeDate } = firstRun(draft.startDate);
  // The shop's delivery calendar (issue 14): a day it does not deliver on is not a start date.
  const undeliverable = options.unavailableStartDates.includes(draft.startDate);

  // One Idempotency-Key per attempt: a press repeated after a lost answer gets the same signup, never a second one.
  const [attempt, setAttempt] = useState(() => crypto.randomUUID());
  const submit = useAction(async () => {
    saveDraft(draft);
    const customer = api('customer');
    const created = await ok(
      customer.POST('/subscriptions', {
        params: { header: { 'Idempotency-Key': attempt } },
        body: {
          items: [{ productId, quantity: draft.quantity }],
          cycle: draft.cycle as never,
          startDate: draft.startDate,
          paymentMethod: draft.paymentMethod,
          contact: { email: draft.email, phone: draft.phone },
          shippingAddress: {
            recipient: draft.recipient,
            phone: draft.recipientPhone || draft.phone,
            postalCode: draft.postalCode,
            address1: draft.address1,
            ...(draft.address2.trim() ? { address2: draft.address2 } : {}),
          },
        },
      }),
    ).catch((error: unknown) => {
      // A refusal is final for this attempt (the next press is a new one); a lost answer keeps its key.
      if (error instanceof ApiError && error.code !== 'IDEMPOTENCY_KEY_IN_PROGRESS') setAttempt(crypto.randomUUID());
      throw error;
    });
    setAttempt(crypto.randomUUID());
    const id = created.subscription.id;
    try {
      await openRegistrationWindow(created.registration, {
        subscriptionId: id,
        method: draft.paymentMethod,
        ...resultUrls(id),
        customerEmail: draft.email,
        customerName: draft.recipient,
        orderName: options.product.name,
        amount,
      });
    } catch (error) {
      // No window, no registration: the signup is withdrawn so nothing is left half-done.
      await customer.POST('/subscriptions/{subscriptionId}/cancel', { params: { path: { subscriptionId: id } }, body: {} });
      throw error;
    }
  });
  const fieldErrors: Partial<Record<keyof OrderDraft, string>> = undeliverable ? { startDate: '이 쇼핑몰이 배송하지 않는 날이에요. 다른 날을 골라 주세요.' } : {};
  if (submit.error instanceof ApiError) {
    for (const detail of submit.error.details) {
      const field = detail.path ? FIELD_OF[detail.path] : undefined;
      if (field && detail.message) fieldErrors[field] = detail.message;
    }
  }

  return (
    <form
      data-testid="order-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit.run();
      }}
    >
      <Section title="주문 상품">
        <p>
          <strong data-testid="order-product">{options.product.name}</strong> <span class="muted">{won(options.product.price)}</span>
        </p>
        <div class="row">
          <Field label={TERMS.cycle} error={fieldErrors.cycle}>
            <select name="cycle" value={draft.cycle} onChange={set('cycle')}>
              {options.cycles.map((code) => (
                <option value={code}>{cycleLabel(code)}</option>
              ))}
            </select>
          </Field>
          <Field label="수량">
            <input name="quantity" type="number" min={1} max={99} value={draft.quantity} onInput={(e) => setDraft({ ...draft, quantity: Math.min(99, Math.max(1, Number(e.currentTarget.value) || 1)) })} />
          </Field>
        </div>
      </Section>

      <Section title={TERMS.startDate}>
        <Field label={TERMS.startDate} hint={`${day(options.earliestStartDate)}부터 ${day(options.latestStartDate)}까지 고를 수 있어요.`} error={fieldErrors.startDate}>
          <input name="startDate" type="date" required min={options.earliestStartDate ?? undefined} max={options.latestStartDate ?? undefined} value={draft.startDate} onInput={set('startDate')} />
        </Field>
        <ul class="timeline" data-testid="first-run">
          <li>
            <span>{TERMS.paymentNotice} (메일·SMS) · 배송 2일 전</span>
            <strong data-testid="notice-date">{day(noticeDate)}</strong>
          </li>
          <li>
            <span>안내된 금액 결제 · 배송 1일 전</span>
            <strong data-testid="charge-date">{day(chargeDate)}</strong>
          </li>
          <li>
            <span>첫 배송</span>
            <strong>{day(draft.startDate)}</strong>
          </li>
          <li>
            <span>이후</span>
            <strong>{cycleLabel(draft.cycle)} 배송</strong>
          </li>
        </ul>
        <p class="small muted">결제 금액은 결제 안내를 보낼 때 확정돼요. 안내 뒤에 일부 상품을 해지하면 이번 회차는 안내된 금액으로 결제되고 다음 회차부터 반영돼요.</p>
      </Section>

      <Section title="주문자 정보">
        <div class="row">
          <Field label="이메일" error={fieldErrors.email}>
            <input name="email" type="email" autocomplete="email" required value={draft.email} onInput={set('email')} />
          </Field>
          <Field label="휴대전화" hint="결제 안내 SMS를 받을 번호예요." error={fieldErrors.phone}>
            <input name="phone" type="tel" autocomplete="tel" required placeholder="010-1234-5678" value={draft.phone} onInput={set('phone')} />
          </Field>
        </div>
      </Section>

      <Section title="배송지">
        <div class="row">
          <Field label="받는 분" error={fieldErrors.recipient}>
            <input name="recipient" autocomplete="name" required value={draft.recipient} onInput={set('recipient')} />
          </Field>
          <Field label="받는 분 휴대전화" hint="비우면 주문자 번호로 해요." error={fieldErrors.recipientPhone}>
            <input name="recipientPhone" type="tel" placeholder="010-1234-5678" value={draft.recipientPhone} onInput={set('recipientPhone')} />
          </Field>
        </div>
        <Field label="우편번호" error={fieldErrors.postalCode}>
          <input name="postalCode" inputMode="numeric" autocomplete="postal-code" required pattern="\d{5}" maxLength={5} value={draft.postalCode} onInput={set('postalCode')} />
        </Field>
        <Field label="주소" error={fieldErrors.address1}>
          <input name="address1" autocomplete="address-line1" required value={draft.address1} onInput={set('address1')} />
        </Field>
        <Field label="상세 주소" error={fieldErrors.address2}>
          <input name="address2" autocomplete="address-line2" value={draft.address2} onInput={set('address2')} />
        </Field>
      </Section>

      <Section title="결제 수단">
        <div class="choices">
          {options.paymentMethods.map((method) => (
            <label class="choice">
              <input type="radio" name="paymentMethod" value={method} checked={draft.paymentMethod === method} onChange={() => setDraft({ ...draft, paymentMethod: method })} />
              <span>
                {paymentMethodLabel(method)}
                <br />
                <span class="small muted">{method === 'card' ? '국내에서 발급된 카드 1개를 등록해요 (해외 발급 카드 제외)' : '카드 또는 카카오페이 머니로 결제해요'}</span>
              </span>
            </label>
          ))}
        </div>
      </Section>

      <Section title="결제 정보">
        <div class="summary">
          <span>
            {options.product.name} × {draft.quantity}
          </span>
          <span>{won(amount)}</span>
          <span class="total">1회 배송 금액</span>
          <span class="total" data-testid="amount">
            {won(amount)}
          </span>
        </div>
        {options.discounts.length > 0 && (
          <ul class="small" data-testid="discounts">
            {options.discounts.map((rule) => (
              <li>
                {rule.toDelivery ? `${rule.fromDelivery}–${rule.toDelivery}회차` : `${rule.fromDelivery}회차부터`}: {rule.percent !== undefined ? `${rule.percent}% 할인` : `${won(rule.won ?? 0)} 할인`}
              </li>
            ))}
          </ul>
        )}
        {options.maxDeliveries && <p class="small">총 {options.maxDeliveries}회 배송 후 정기배송이 끝나요.</p>}
        {options.discounts.length > 0 && <p class="small muted">할인은 회차마다 결제 안내 때 안내 금액에 반영돼요.</p>}
        <p class="small muted">정기배송 신청하기를 누르면 결제 수단을 등록하는 창이 열려요. 지금은 결제되지 않고, 매 회차 배송 1일 전에 결제돼요.</p>
      </Section>

      <ErrorNotice error={submit.error} />
      <div class="sticky-cta">
        <div class="inner">
          <span class="amount">{won(amount)}/회</span>
          <button type="submit" class="primary block" disabled={submit.busy || undeliverable} data-testid="apply">
            {submit.busy ? '카드 등록 창을 여는 중…' : TERMS.apply}
          </button>
        </div>
      </div>
    </form>
  );
}

function OrderPage() {
  const params = new URLSearchParams(location.search);
  const shopId = params.get('shop') ?? '';
  const productId = params.get('product') ?? '';
  const options = useLoad(() => loadPurchaseOptions(siteConfig().apiBase, shopId, productId), [shopId, productId]);
  if (!shopId || !productId) {
    return (
      <Page title={TERMS.orderForm}>
        <Notice>
          <a href="/product.html">상품 상세</a> 페이지에서 정기배송을 선택해 주세요.
        </Notice>
      </Page>
    );
  }
  return (
    <Page title={TERMS.orderForm}>
      <WithSession role="customer" shop={shopId} lockShop>
        {(session) => {
          if (options.error !== undefined) return <ErrorNotice error={options.error} />;
          if (!options.data) return <Loading />;
          if (!offersSubscription(options.data)) {
            clearDraft();
            return <Notice kind="warn">이 상품은 지금 정기배송을 신청할 수 없어요. {options.data.product.onePlusNEvent ? '(1+N 이벤트 상품은 정기배송을 이용할 수 없어요.)' : ''}</Notice>;
          }
          return <OrderForm shopId={shopId} productId={productId} options={options.data} customer={session.sub} />;
        }}
      </WithSession>
    </Page>
  );
}

void boot(() => <OrderPage />);
