/** A subscription's cycles, oldest first: the buyer's and the merchant's view of the same table. */
import type { SubscriptionView } from './subscription-card.tsx';
import { day, won } from '../ui/format.ts';
import { cycleStatusLabel } from '../ui/labels.ts';

export function CyclesTable(props: { cycles: SubscriptionView['cycles']; names?: Record<string, string>; withItems?: boolean }) {
  return (
    <div class="table-wrap">
      <table data-testid="cycles">
        <thead>
          <tr>
            <th>배송일</th>
            <th>결제 안내</th>
            <th>결제일</th>
            {props.withItems && <th>상품</th>}
            <th class="num">금액</th>
            <th>상태</th>
          </tr>
        </thead>
        <tbody>
          {props.cycles.map((cycle) => (
            <tr data-status={cycle.status}>
              <td>{day(cycle.deliveryDate)}</td>
              <td>{day(cycle.noticeDate)}</td>
              <td>{day(cycle.chargeDate)}</td>
              {props.withItems && <td>{cycle.items.map((item) => `${props.names?.[item.productId] ?? item.productId} × ${item.quantity} (${won(item.unitPrice)})`).join(', ')}</td>}
              <td class="num">{won(cycle.amount)}</td>
              <td>{cycleStatusLabel(cycle.status)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
