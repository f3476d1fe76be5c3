/**
 * A cycle left in REVIEW: the PG took no clear answer for its charge and
 * cannot be asked by our order id (issue 10). The operator checks the PG's own
 * console and records the outcome: charged (the order stands, the
 * subscription moves on) or not charged (the cycle fails and the buyer is told).
 */
import { useState } from 'preact/hooks';
import { api, ok } from '../api/session-api.ts';
import { Confirm } from '../ui/confirm.tsx';
import { day, won } from '../ui/format.ts';
import { useAction } from '../ui/hooks.ts';
import { ErrorNotice, Field, Notice } from '../ui/kit.tsx';

type Outcome = 'charged' | 'not-charged';

export function ResolveCycle(props: { subscriptionId: string; deliveryDate: string; amount: number; onResolved: () => void }) {
  const [pgReference, setPgReference] = useState('');
  const [confirming, setConfirming] = useState<Outcome | null>(null);
  const resolve = useAction(async (outcome: Outcome) => {
    await ok(
      api('admin').POST('/admin/subscriptions/{subscriptionId}/cycles/{deliveryDate}/resolve', {
        params: { path: { subscriptionId: props.subscriptionId, deliveryDate: props.deliveryDate } },
        body: { outcome, ...(pgReference.trim() ? { pgReference: pgReference.trim() } : {}) },
      }),
    );
    setConfirming(null);
    props.onResolved();
  });
  return (
    <div class="confirm" data-testid="resolve-cycle">
      <Notice kind="warn">
        {day(props.deliveryDate)} 배송 회차({won(props.amount)})는 PG사의 결제 응답을 받지 못해 결제 여부를 알 수 없어요. PG사 관리자 화면에서 확인한 결과를 등록해 주세요.
      </Notice>
      <Field label="PG사 거래 번호 (결제되었을 때)">
        <input name="pgReference" value={pgReference} onInput={(e) => setPgReference(e.currentTarget.value)} />
      </Field>
      <div class="actions">
        <button type="button" class="primary" onClick={() => setConfirming('charged')}>
          결제됨으로 확정
        </button>
        <button type="button" onClick={() => setConfirming('not-charged')}>
          결제 안 됨으로 확정
        </button>
      </div>
      {confirming && (
        <Confirm
          title={confirming === 'charged' ? '결제된 것으로 확정할까요?' : '결제되지 않은 것으로 확정할까요?'}
          confirmLabel="확정"
          danger={confirming === 'not-charged'}
          busy={resolve.busy}
          onCancel={() => setConfirming(null)}
          onConfirm={() => void resolve.run(confirming)}
        >
          <p>
            {confirming === 'charged'
              ? `이 회차를 ${won(props.amount)} 결제 완료로 처리하고 주문을 확정해요. 정기배송은 다음 회차로 넘어가요. 한 번만 처리돼요.`
              : '이 회차를 결제 실패로 처리하고 구매자와 운영자에게 메일로 알려요. 정기배송은 다음 회차로 넘어가요. 한 번만 처리돼요.'}
          </p>
        </Confirm>
      )}
      <ErrorNotice error={resolve.error} />
    </div>
  );
}
