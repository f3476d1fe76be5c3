/**
 * 나의 정기배송, changing a subscription between deliveries (issue 13): the
 * cycle, the next delivery date and the shipping address through
 * `PATCH /subscriptions/{id}` (only what the buyer changed is sent), and the
 * card through `POST /subscriptions/{id}/card`, which opens the PG's
 * registration window; the window comes back to the result page
 * (order-complete.html with `change=card`), whose checkout replaces the card on
 * every subscription of the buyer (S10). The API decides every rule and its
 * refusal is shown as it says; the page only says beforehand what the S18 rule
 * does to an announced delivery.
 */
import { useState } from 'preact/hooks';
import { siteConfig } from '../config.ts';
import { api, ok } from '../api/session-api.ts';
import { ApiError } from '../api/errors.ts';
import { day, won } from '../ui/format.ts';
import { useAction, useLoad } from '../ui/hooks.ts';
import { ErrorNotice, Field } from '../ui/kit.tsx';
import { cycleLabel, TERMS } from '../ui/labels.ts';
import { loadPurchaseOptions } from './purchase-options.ts';
import { openRegistrationWindow, resultUrls } from './registration-window.ts';
import { announced, type SubscriptionView } from './subscription-card.tsx';

const customer = () => api('customer');

type Address = NonNullable<SubscriptionView['shippingAddress']>;
const ADDRESS_FIELDS = ['recipient', 'phone', 'postalCode', 'address1', 'address2'] as const;
const ADDRESS_LABELS: Record<(typeof ADDRESS_FIELDS)[number], string> = { recipient: '받는 분', phone: '받는 분 휴대폰', postalCode: '우편번호', address1: '주소', address2: '상세 주소' };

/** The PATCH body: only the fields the buyer changed (an unchanged form sends nothing and says so). */
export function changedFields(subscription: SubscriptionView, form: { cycle: string; nextDeliveryDate: string; address: Address }) {
  const before = subscription.shippingAddress;
  const address: Address = { ...form.address, ...(form.address.address2?.trim() ? {} : { address2: undefined }) };
  const addressChanged = !before || ADDRESS_FIELDS.some((field) => (address[field] ?? '') !== (before[field] ?? ''));
  return {
    ...(form.cycle !== subscription.cycle ? { cycle: form.cycle } : {}),
    ...(form.nextDeliveryDate && form.nextDeliveryDate !== subscription.nextDeliveryDate ? { nextDeliveryDate: form.nextDeliveryDate } : {}),
    ...(addressChanged ? { shippingAddress: Object.fromEntries(Object.entries(address).filter(([, value]) => value !== undefined && value !== '')) as Address } : {}),
  };
}

export function ChangeSubscription(props: { subscription: SubscriptionView; onChanged: () => void }) {
  const { subscription } = props;
  const productId = subscription.items.find((item) => item.status === 'ACTIVE')?.productId ?? subscription.items[0]!.productId;
  const options = useLoad(() => loadPurchaseOptions(siteConfig().apiBase, subscription.shopId, productId), [subscription.shopId, productId]);
  const [open, setOpen] = useState(false);
  const [cycle, setCycle] = useState<string>(subscription.cycle);
  const [nextDeliveryDate, setNextDeliveryDate] = useState(subscription.nextDeliveryDate ?? '');
  const [address, setAddress] = useState<Address>(subscription.shippingAddress ?? { recipient: '', phone: '', postalCode: '', address1: '' });
  const [nothing, setNothing] = useState(false);
  const noticed = announced(subscription);
  const save = useAction(async () => {
    const body = changedFields(subscription, { cycle, nextDeliveryDate, address });
    setNothing(Object.keys(body).length === 0);
    if (Object.keys(body).length === 0) return;
    await ok(customer().PATCH('/subscriptions/{subscriptionId}', { params: { path: { subscriptionId: subscription.id } }, body: body as never }));
    setOpen(false);
    props.onChanged();
  });
  const fieldError = (path: string) => (save.error instanceof ApiError ? save.error.details.find((detail) => detail.path === path || detail.path?.startsWith(`${path}.`))?.message : undefined);

  if (!open) {
    return (
      <p class="small">
        배송 주기, 다음 배송일, 배송지를 바꿔요.{' '}
        <button
          type="button"
          onClick={() => {
            // What the subscription is now (it may have changed since the page drew this form).
            setCycle(subscription.cycle);
            setNextDeliveryDate(subscription.nextDeliveryDate ?? '');
            setAddress(subscription.shippingAddress ?? { recipient: '', phone: '', postalCode: '', address1: '' });
            setNothing(false);
            save.clear();
            setOpen(true);
          }}
          data-testid="change-open"
        >
          변경하기
        </button>
      </p>
    );
  }
  return (
    <form
      class="change-box"
      data-testid="change-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <h3>정기배송 변경</h3>
      {noticed && (
        <p class="small" data-testid="change-consequence">
          {day(noticed.noticeDate)}에 {TERMS.paymentNotice}가 발송되어 이번 회차({day(noticed.deliveryDate)} 배송)는 안내된 {won(noticed.amount)} 그대로 결제·배송돼요. 바꾼 내용은 다음 회차부터 반영돼요.
        </p>
      )}
      <Field label={TERMS.cycle}>
        <select name="cycle" value={cycle} onChange={(event) => setCycle(event.currentTarget.value)}>
          {[...new Set([subscription.cycle, ...(options.data?.cycles ?? [])])].map((code) => (
            <option value={code}>{cycleLabel(code)}</option>
          ))}
        </select>
      </Field>
      <Field label="다음 배송일" hint={noticed ? '결제 안내가 나간 배송은 날짜를 바꿀 수 없어요.' : '쇼핑몰이 배송하는 날 중에서 골라 주세요.'} error={fieldError('nextDeliveryDate')}>
        <input name="nextDeliveryDate" type="date" value={nextDeliveryDate} disabled={Boolean(noticed)} onInput={(event) => setNextDeliveryDate(event.currentTarget.value)} />
      </Field>
      {ADDRESS_FIELDS.map((field) => (
        <Field label={ADDRESS_LABELS[field]} error={fieldError(`shippingAddress.${field}`)}>
          <input name={`address-${field}`} value={address[field] ?? ''} required={field !== 'address2'} onInput={(event) => setAddress({ ...address, [field]: event.currentTarget.value })} />
        </Field>
      ))}
      {nothing && <p class="small muted">바뀐 내용이 없어요.</p>}
      <div class="actions">
        <button type="button" onClick={() => setOpen(false)}>
          닫기
        </button>
        <button type="submit" disabled={save.busy} data-testid="change-save">
          변경 저장
        </button>
      </div>
      <ErrorNotice error={save.error} />
    </form>
  );
}

/** 카드 변경: the PG's registration window for a new card; the result page replaces it on every subscription (S10). */
export function ChangeCard(props: { subscription: SubscriptionView }) {
  const { subscription } = props;
  const start = useAction(async () => {
    const path = { params: { path: { subscriptionId: subscription.id } } };
    const { registration } = await ok(customer().POST('/subscriptions/{subscriptionId}/card', path));
    await openRegistrationWindow(registration, {
      subscriptionId: subscription.id,
      method: subscription.paymentMethod,
      ...resultUrls(subscription.id, { change: 'card' }),
      customerEmail: subscription.contact?.email ?? '',
      customerName: subscription.shippingAddress?.recipient ?? '',
      orderName: '정기배송 결제 수단 변경',
      amount: 0,
    });
  });
  return (
    <div class="small">
      {subscription.paymentMethod === 'card' ? '새 카드를 등록하면 카드로 결제하는 모든 정기배송이 새 카드로 결제되고, 지금 카드 정보는 지워져요.' : '카카오페이 결제 수단을 다시 등록해요.'}{' '}
      <button type="button" disabled={start.busy} onClick={() => void start.run()} data-testid="change-card">
        {subscription.paymentMethod === 'card' ? '카드 변경' : '결제 수단 다시 등록'}
      </button>
      <ErrorNotice error={start.error} />
    </div>
  );
}
