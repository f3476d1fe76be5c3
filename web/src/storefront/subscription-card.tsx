/** A subscription as the buyer reads it (order result and my subscriptions). */
import type { paths } from '../api/client.ts';
import { runDateRows } from '../ui/clock-link.tsx';
import { day, maskedCard, won } from '../ui/format.ts';
import { Badge, Facts } from '../ui/kit.tsx';
import { cycleLabel, paymentMethodLabel, subscriptionStatusLabel, TERMS } from '../ui/labels.ts';

export type SubscriptionView = paths['/subscriptions/{subscriptionId}']['get']['responses'][200]['content']['application/json'];
export type SubscriptionSummary = paths['/subscriptions']['get']['responses'][200]['content']['application/json']['items'][number];

export function statusTone(status: string): 'ok' | 'warn' | 'bad' | 'muted' | 'info' {
  if (status === 'ACTIVE') return 'ok';
  if (status === 'PENDING_PAYMENT' || status === 'PAUSED') return 'warn';
  if (status === 'CANCELLED') return 'bad';
  return 'muted';
}

export function StatusBadge(props: { status: string }) {
  return (
    <span data-testid="subscription-status" data-status={props.status}>
      <Badge tone={statusTone(props.status)}>{subscriptionStatusLabel(props.status)}</Badge>
    </span>
  );
}

/** The cycle whose amount the notice locked (S18), if the next delivery was announced. */
export function announced(subscription: SubscriptionView) {
  return subscription.cycles.find((cycle) => cycle.deliveryDate === subscription.nextDeliveryDate && cycle.status === 'NOTICED');
}

export function SubscriptionFacts(props: { subscription: SubscriptionSummary | SubscriptionView; names?: Record<string, string> }) {
  const { subscription } = props;
  const noticed = 'cycles' in subscription ? announced(subscription) : undefined;
  return (
    <Facts
      rows={[
        ['상태', <StatusBadge status={subscription.status} />],
        [
          '상품',
          subscription.items.map((item) => (
            <div>
              {props.names?.[item.productId] ?? item.productId} × {item.quantity} {item.status === 'CANCELLED' && <Badge tone="bad">해지</Badge>}
            </div>
          )),
        ],
        [TERMS.cycle, cycleLabel(subscription.cycle)],
        ['다음 배송', <span data-testid="next-delivery">{day(subscription.nextDeliveryDate)}</span>],
        ...runDateRows(subscription, TERMS.paymentNotice),
        ...(noticed ? ([['안내된 결제 금액', <strong data-testid="announced-amount">{won(noticed.amount)}</strong>]] as const) : []),
        ['결제 수단', `${paymentMethodLabel(subscription.paymentMethod)} · ${maskedCard(subscription.card)}`],
      ]}
    />
  );
}
