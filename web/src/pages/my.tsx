/**
 * 나의 정기배송: the buyer's subscriptions with the next delivery, the amount
 * once the payment notice announced it (S18), the registered card (masked,
 * one per buyer, S10), skipping the next delivery, pausing and resuming, changing the
 * cycle, next date, address or card (issue 13), and cancelling some items or all with the S18/S19 rule said before it is confirmed.
 */
import { useState } from 'preact/hooks';
import { api, ok } from '../api/session-api.ts';
import { ApiError } from '../api/errors.ts';
import { CyclesTable } from '../storefront/cycles-table.tsx';
import { productNames } from '../storefront/product-names.ts';
import { ChangeCard, ChangeSubscription } from '../storefront/change-subscription.tsx';
import { announced, SubscriptionFacts, type SubscriptionSummary, type SubscriptionView } from '../storefront/subscription-card.tsx';
import { day, maskedCard, won } from '../ui/format.ts';
import { useAction, useLoad } from '../ui/hooks.ts';
import { ErrorNotice, Loading, Notice, Page, Section } from '../ui/kit.tsx';
import { cancelReasonLabel, TERMS } from '../ui/labels.ts';
import { WithSession } from '../ui/sign-in.tsx';
import { boot } from './boot.tsx';

const customer = () => api('customer');

/** What a cancel will do, in the buyer's words, before it is confirmed (S18, S19). */
function cancelConsequence(subscription: SubscriptionView, productIds: readonly string[], names: Record<string, string>): string {
  const activeIds = subscription.items.filter((item) => item.status === 'ACTIVE').map((item) => item.productId);
  const whole = activeIds.every((id) => productIds.includes(id));
  const noticed = announced(subscription);
  const list = productIds.map((id) => names[id] ?? id).join(', ');
  if (!noticed) {
    return whole
      ? `정기배송 전체를 해지해요. 다음 ${TERMS.paymentNotice} 전이라 바로 반영되고, 더는 결제되거나 배송되지 않아요.`
      : `${list}을(를) 해지해요. 다음 ${TERMS.paymentNotice} 전이라 바로 반영되고, 다음 배송부터 나머지 상품만 결제돼요.`;
  }
  // As the API decides (S19): an announced item still counts while it is active after this cancel.
  const stillActive = new Set(activeIds.filter((id) => !productIds.includes(id)));
  const left = noticed.items.filter((line) => stillActive.has(line.productId));
  const noticedAt = day(noticed.noticeDate);
  if (left.length === 0) {
    return `${noticedAt}에 ${TERMS.paymentNotice}가 발송되어 이번 회차(${day(noticed.deliveryDate)} 배송) 금액 ${won(noticed.amount)}이 확정되었지만, 안내된 상품을 모두 해지하면 이번 회차는 결제되지 않아요.${whole ? ' 정기배송도 해지돼요.' : ''}`;
  }
  return `${noticedAt}에 ${TERMS.paymentNotice}가 발송되어 이번 회차(${day(noticed.deliveryDate)} 배송) 금액 ${won(noticed.amount)}이 확정되었어요. 일부 상품만 해지하면 이번 회차는 안내된 금액 그대로 결제되고, 해지는 다음 회차부터 반영돼요.`;
}

/**
 * Between deliveries (issue 13): skip the next delivery, pause, resume. What each does is said on its button's
 * line; the API decides (after the payment notice a skip means that delivery is not charged, S19).
 */
function BetweenDeliveries(props: { summary: SubscriptionSummary; subscription: SubscriptionView; onChanged: () => void }) {
  const id = props.summary.id;
  const path = { params: { path: { subscriptionId: id } } };
  const act = useAction(async (what: 'skip' | 'pause' | 'resume') => {
    if (what === 'skip') await ok(customer().POST('/subscriptions/{subscriptionId}/skip', { ...path, body: { deliveryDate: props.summary.nextDeliveryDate! } }));
    if (what === 'pause') await ok(customer().POST('/subscriptions/{subscriptionId}/pause', { ...path, body: {} }));
    if (what === 'resume') await ok(customer().POST('/subscriptions/{subscriptionId}/resume', path));
    props.onChanged();
  });
  const noticed = announced(props.subscription);
  const paused = props.summary.status === 'PAUSED';
  return (
    <div class="between-box" data-testid="between-deliveries">
      <h3>배송 관리</h3>
      {paused ? (
        <p class="small">
          일시정지 중이에요: 정기배송 결제 안내도, 결제도, 배송도 없어요.{' '}
          <button type="button" disabled={act.busy} onClick={() => void act.run('resume')} data-testid="resume">
            다시 시작
          </button>
        </p>
      ) : (
        <>
          {props.summary.nextDeliveryDate && (
            <p class="small">
              {day(props.summary.nextDeliveryDate)} 배송을 건너뛰어요{noticed ? ` (결제 안내된 ${won(noticed.amount)}은 결제되지 않아요)` : ''}.{' '}
              <button type="button" disabled={act.busy} onClick={() => void act.run('skip')} data-testid="skip-next">
                이번 배송 건너뛰기
              </button>
            </p>
          )}
          <p class="small">
            다시 시작할 때까지 결제 안내·결제·배송을 멈춰요.{' '}
            <button type="button" disabled={act.busy} onClick={() => void act.run('pause')} data-testid="pause">
              일시정지
            </button>
          </p>
        </>
      )}
      <ErrorNotice error={act.error} />
      {!paused && <ChangeSubscription subscription={props.subscription} onChanged={props.onChanged} />}
      <ChangeCard subscription={props.subscription} />
    </div>
  );
}

function Subscription(props: { summary: SubscriptionSummary; onChanged: () => void }) {
  const detail = useLoad(() => ok(customer().GET('/subscriptions/{subscriptionId}', { params: { path: { subscriptionId: props.summary.id } } })), [props.summary.id, props.summary.updatedAt]);
  const names = useLoad(() => productNames(props.summary.shopId, props.summary.items.map((item) => item.productId)), [props.summary.id]);
  const [selected, setSelected] = useState<string[]>([]);
  const [confirming, setConfirming] = useState<string[] | null>(null);
  const cancel = useAction(async (productIds: string[], whole: boolean) => {
    await ok(customer().POST('/subscriptions/{subscriptionId}/cancel', { params: { path: { subscriptionId: props.summary.id } }, body: whole ? {} : { productIds } }));
    setConfirming(null);
    setSelected([]);
    props.onChanged();
  });
  const subscription = detail.data;
  // PAUSED comes with the between-deliveries work (issue 13); the pages already know it.
  const status: string = props.summary.status;
  const active = status === 'ACTIVE' || status === 'PAUSED';
  const activeItems = props.summary.items.filter((item) => item.status === 'ACTIVE');
  const nameMap = names.data ?? {};

  return (
    <Section title={props.summary.items.map((item) => nameMap[item.productId] ?? item.productId).join(', ')}>
      <div data-testid="my-subscription" data-id={props.summary.id}>
        {subscription ? <SubscriptionFacts subscription={subscription} names={nameMap} /> : <SubscriptionFacts subscription={props.summary} names={nameMap} />}
        {props.summary.status === 'PENDING_PAYMENT' && <Notice kind="warn">결제 수단 등록을 기다리고 있어요. 24시간 안에 등록하지 않으면 자동으로 취소돼요.</Notice>}
        {props.summary.cancelReason && <p class="small muted">해지 사유: {cancelReasonLabel(props.summary.cancelReason)}</p>}
        {subscription && subscription.cycles.length > 0 && (
          <details>
            <summary>회차별 내역 ({subscription.cycles.length})</summary>
            <CyclesTable cycles={subscription.cycles} />
          </details>
        )}
        {active && subscription && <BetweenDeliveries summary={props.summary} subscription={subscription} onChanged={props.onChanged} />}
        {active && subscription && (
          <div class="cancel-box">
            <h3>해지</h3>
            {activeItems.length > 1 &&
              activeItems.map((item) => (
                <label class="check">
                  <input
                    type="checkbox"
                    checked={selected.includes(item.productId)}
                    onChange={(event) => setSelected(event.currentTarget.checked ? [...selected, item.productId] : selected.filter((id) => id !== item.productId))}
                  />
                  {nameMap[item.productId] ?? item.productId}
                </label>
              ))}
            <div class="actions">
              {activeItems.length > 1 && (
                <button type="button" disabled={selected.length === 0} onClick={() => setConfirming(selected)}>
                  선택한 상품 해지
                </button>
              )}
              <button type="button" onClick={() => setConfirming(activeItems.map((item) => item.productId))} data-testid="cancel-all">
                정기배송 전체 해지
              </button>
            </div>
            {confirming && (
              <div class="confirm" role="dialog" aria-label="해지 확인">
                <p data-testid="cancel-consequence">{cancelConsequence(subscription, confirming, nameMap)}</p>
                <div class="actions">
                  <button type="button" onClick={() => setConfirming(null)}>
                    그대로 두기
                  </button>
                  <button type="button" class="danger" disabled={cancel.busy} onClick={() => void cancel.run(confirming, confirming.length === activeItems.length)} data-testid="confirm-cancel">
                    해지하기
                  </button>
                </div>
              </div>
            )}
            <ErrorNotice error={cancel.error} />
          </div>
        )}
      </div>
    </Section>
  );
}

function Cards() {
  const card = useLoad(async () => {
    const [card, kakaopay] = await Promise.all(
      (['card', 'kakaopay'] as const).map((method) =>
        ok(customer().GET('/me/card', { params: { query: { method } } })).catch((error: unknown) => {
          if (error instanceof ApiError && error.code === 'NOT_FOUND') return null;
          throw error;
        }),
      ),
    );
    return { card, kakaopay };
  }, []);
  if (!card.data) return null;
  return (
    <Section title="등록된 결제 수단">
      <p data-testid="registered-card">카드: {card.data.card ? maskedCard(card.data.card) : '등록된 카드가 없어요'}</p>
      {card.data.kakaopay && <p>간편결제: 카카오페이 (등록일 {card.data.kakaopay.registeredAt.slice(0, 10)})</p>}
      <p class="small muted">정기배송에는 카드 1개만 등록할 수 있어요. 새 카드를 등록하면 모든 카드 정기배송이 새 카드로 결제돼요.</p>
    </Section>
  );
}

function MySubscriptions() {
  const list = useLoad(() => ok(customer().GET('/subscriptions', { params: { query: { limit: 50 } } })), []);
  if (list.error !== undefined) return <ErrorNotice error={list.error} />;
  if (!list.data) return <Loading />;
  const ended = (status: string) => status === 'CANCELLED' || status === 'COMPLETED';
  const current = list.data.items.filter((item) => !ended(item.status));
  // A signup withdrawn before its card was registered was never a subscription to the buyer.
  const past = list.data.items.filter((item) => ended(item.status) && item.card);
  return (
    <>
      {current.length === 0 && (
        <Notice>
          이용 중인 정기배송이 없어요. <a href="/product.html">상품 보러 가기</a>
        </Notice>
      )}
      {current.map((summary) => (
        <Subscription summary={summary} onChanged={list.reload} />
      ))}
      <Cards />
      {past.length > 0 && (
        <details>
          <summary>해지·종료된 정기배송 ({past.length})</summary>
          {past.map((summary) => (
            <Subscription summary={summary} onChanged={list.reload} />
          ))}
        </details>
      )}
    </>
  );
}

void boot(() => (
  <Page title="나의 정기배송">
    <WithSession role="customer">{() => <MySubscriptions />}</WithSession>
  </Page>
));
