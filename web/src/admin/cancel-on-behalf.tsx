/**
 * The shop cancels a buyer's subscription on their behalf (issue 13): the buyer's own rules — after the payment
 * notice the announced delivery is not charged only when nothing of it is still wanted (S18, S19) — and the
 * buyer is mailed that the shop cancelled it.
 */
import { useState } from 'preact/hooks';
import { api, ok } from '../api/session-api.ts';
import { Confirm } from '../ui/confirm.tsx';
import { useAction } from '../ui/hooks.ts';
import { ErrorNotice } from '../ui/kit.tsx';

export function CancelOnBehalf(props: { subscriptionId: string; onDone: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const cancel = useAction(async () => {
    await ok(api('admin').POST('/admin/subscriptions/{subscriptionId}/cancel', { params: { path: { subscriptionId: props.subscriptionId } }, body: {} }));
    setConfirming(false);
    props.onDone();
  });
  return (
    <div class="actions">
      <button type="button" class="danger" onClick={() => setConfirming(true)} data-testid="cancel-on-behalf">
        구매자 대신 해지
      </button>
      {confirming && (
        <Confirm title="이 정기배송을 해지할까요?" confirmLabel="해지" danger busy={cancel.busy} onCancel={() => setConfirming(false)} onConfirm={() => void cancel.run()}>
          <p>
            구매자의 요청으로 쇼핑몰에서 해지해요. 구매자에게 해지 안내 메일이 가요. 결제 예정 안내가 이미 나간 회차는 결제되지 않아요. 이미 결제된 회차는 그대로 배송해야 해요.
          </p>
        </Confirm>
      )}
      <ErrorNotice error={cancel.error} />
    </div>
  );
}
