/**
 * Where the PG's registration window comes back (its success or fail URL).
 * Success: checkout with what the window handed back (Toss's authKey,
 * KakaoPay's pg_token, PortOne's billingKey), then the active subscription.
 * Failure (the window closed, the card refused, a foreign card at checkout,
 * S16): a clear message, and the pending signup is withdrawn, so nothing is
 * left half-done; the order form keeps what the buyer typed.
 * A card change (`change=card`, from 나의 정기배송, issue 13) comes back here
 * too: the same checkout replaces the card on every subscription (S10); a
 * failure changes nothing, and the subscription keeps its card.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ok } from '../api/session-api.ts';
import { ApiError } from '../api/errors.ts';
import { errorText } from '../ui/messages.ts';
import { clearDraft, orderFormUrl } from '../storefront/draft.ts';
import { productNames } from '../storefront/product-names.ts';
import { SubscriptionFacts, type SubscriptionView } from '../storefront/subscription-card.tsx';
import { Loading, Notice, Page, Section } from '../ui/kit.tsx';
import { messageFor } from '../ui/messages.ts';
import { WithSession } from '../ui/sign-in.tsx';
import { boot } from './boot.tsx';

/** Checkout refusals after which this signup cannot go on: it is withdrawn. */
const FINAL = new Set(['FOREIGN_CARD_NOT_ALLOWED', 'CARD_REGISTRATION_FAILED', 'START_DATE_OUT_OF_RANGE', 'PAYMENT_METHOD_NOT_AVAILABLE', 'SERVICE_NOT_ACTIVE']);

type Outcome = { kind: 'working' } | { kind: 'active'; subscription: SubscriptionView; names: Record<string, string> } | { kind: 'failed'; code: string; message: string; back: string | null };

function Complete(props: { subscriptionId: string }) {
  const params = new URLSearchParams(location.search);
  const cardChange = params.get('change') === 'card';
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'working' });

  useEffect(() => {
    const customer = api('customer');
    const path = { params: { path: { subscriptionId: props.subscriptionId } } };
    const withdraw = async (code: string, message: string) => {
      // A card change withdraws nothing: the subscription goes on with the card it has.
      if (cardChange) return setOutcome({ kind: 'failed', code, message, back: '/my.html' });
      const pending = await ok(customer.GET('/subscriptions/{subscriptionId}', path)).catch(() => null);
      if (pending?.status === 'PENDING_PAYMENT') await customer.POST('/subscriptions/{subscriptionId}/cancel', { ...path, body: {} });
      const back = pending ? orderFormUrl({ shopId: pending.shopId, productId: pending.items[0]?.productId ?? '', cycle: pending.cycle, quantity: pending.items[0]?.quantity ?? 1 }) : null;
      setOutcome({ kind: 'failed', code, message, back });
    };
    const run = async () => {
      if (params.get('failed') || params.get('code')) {
        const code = params.get('code') ?? 'USER_CANCEL';
        return withdraw(code, messageFor(code, params.get('message') || '카드를 등록하지 못했어요.'));
      }
      // What each PG's window hands back; the API takes any of them as authKey.
      const authKey = params.get('authKey') ?? params.get('pg_token') ?? params.get('billingKey');
      if (!authKey) return withdraw('USER_CANCEL', messageFor('USER_CANCEL', ''));
      try {
        await ok(customer.POST('/subscriptions/{subscriptionId}/checkout', { ...path, body: { authKey } }));
        const subscription = await ok(customer.GET('/subscriptions/{subscriptionId}', path));
        if (!cardChange) clearDraft();
        const names = await productNames(subscription.shopId, subscription.items.map((item) => item.productId));
        setOutcome({ kind: 'active', subscription, names });
      } catch (error) {
        if (error instanceof ApiError && FINAL.has(error.code)) return withdraw(error.code, errorText(error));
        setOutcome({ kind: 'failed', code: error instanceof ApiError ? error.code : 'ERROR', message: errorText(error), back: null });
      }
    };
    void run();
  }, [props.subscriptionId]);

  if (outcome.kind === 'working') return <Loading />;
  if (outcome.kind === 'failed') {
    return (
      <Section title={cardChange ? '카드를 바꾸지 못했어요' : '정기배송 신청이 완료되지 않았어요'}>
        <Notice kind="error" testId="order-failure">
          <p data-code={outcome.code}>{outcome.message}</p>
        </Notice>
        <p class="small muted">{cardChange ? '정기배송은 지금 등록된 결제 수단으로 그대로 결제돼요.' : '이번 신청은 취소했어요. 결제되거나 저장된 카드 정보는 없어요.'}</p>
        {outcome.back && (
          <p>
            <a href={outcome.back}>{cardChange ? '나의 정기배송으로 돌아가기' : '주문서로 돌아가 다시 신청하기'}</a>
          </p>
        )}
      </Section>
    );
  }
  // A signup or a card change that went through: what now happens, and the subscription as it is.
  const done = cardChange
    ? { title: '결제 수단을 바꿨어요', testId: 'card-changed', text: '다음 결제부터 새 결제 수단으로 결제돼요. 카드로 결제하는 다른 정기배송도 모두 새 카드로 바뀌고, 이전 카드 정보는 지웠어요.' }
    : { title: '정기배송 신청이 완료되었어요', testId: 'order-success', text: '배송 2일 전에 정기배송 결제 안내를 메일과 SMS로 보내 드리고, 배송 1일 전에 안내한 금액이 결제돼요.' };
  return (
    <Section title={done.title}>
      <Notice kind="success" testId={done.testId}>
        {done.text}
      </Notice>
      <SubscriptionFacts subscription={outcome.subscription} names={outcome.names} />
      <p>
        <a href="/my.html">나의 정기배송 보기</a>
      </p>
    </Section>
  );
}

function CompletePage() {
  const query = new URLSearchParams(location.search);
  const subscriptionId = query.get('subscriptionId');
  return (
    <Page title={query.get('change') === 'card' ? '결제 수단 변경' : '정기배송 신청'}>
      {subscriptionId ? <WithSession role="customer">{() => <Complete subscriptionId={subscriptionId} />}</WithSession> : <Notice kind="error">신청 번호가 없어요.</Notice>}
    </Page>
  );
}

void boot(() => <CompletePage />);
