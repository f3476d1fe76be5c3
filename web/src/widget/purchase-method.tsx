/**
 * The product page's purchase method (S13–S15): 구매방법 with 1회 구매 and,
 * for a subscribable product of a shop whose service is active, 정기배송 with
 * its 배송 주기. A 1+N event product offers one-time purchase only (S14).
 */
import { useEffect, useState } from 'preact/hooks';
import { loadPurchaseOptions, offersSubscription, type PurchaseOptions } from '../storefront/purchase-options.ts';
import { cycleLabel, TERMS } from '../ui/labels.ts';
import { won } from '../ui/format.ts';

export interface WidgetSelection {
  readonly purchaseMethod: 'one-time' | 'subscription';
  readonly cycle: string | null;
  readonly quantity: number;
}

export interface PurchaseMethodProps {
  readonly apiBase: string;
  readonly shopId: string;
  readonly productId: string;
  /** Where the order form is (`order.html` beside the widget's script unless the shop names its own). */
  readonly orderUrl: string;
  readonly onSelect: (selection: WidgetSelection) => void;
  /** 1회 구매: the shop's own cart takes over (the widget tells it through an event). */
  readonly onOneTime: (selection: WidgetSelection) => void;
}

export function PurchaseMethod(props: PurchaseMethodProps) {
  const [options, setOptions] = useState<PurchaseOptions | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [method, setMethod] = useState<'one-time' | 'subscription'>('one-time');
  const [cycle, setCycle] = useState<string | null>(null);
  const [quantity, setQuantity] = useState(1);

  useEffect(() => {
    setOptions(null);
    setFailure(null);
    loadPurchaseOptions(props.apiBase, props.shopId, props.productId).then(
      (loaded) => {
        setOptions(loaded);
        setCycle(loaded.cycles[0] ?? null);
      },
      (error: unknown) => setFailure((error as { status?: number }).status === 404 ? '상품을 찾을 수 없어요.' : '구매방법을 불러오지 못했어요. 잠시 후 다시 시도해 주세요.'),
    );
  }, [props.apiBase, props.shopId, props.productId]);

  const selection: WidgetSelection = { purchaseMethod: method, cycle: method === 'subscription' ? cycle : null, quantity };
  useEffect(() => props.onSelect(selection), [method, cycle, quantity]);

  if (failure) return <p class="failure">{failure}</p>;
  if (!options) return <p class="muted">구매방법을 불러오는 중…</p>;
  const subscribable = offersSubscription(options);
  const orderHref = () => {
    const url = new URL(props.orderUrl, location.href);
    url.searchParams.set('shop', props.shopId);
    url.searchParams.set('product', props.productId);
    url.searchParams.set('cycle', cycle ?? '');
    url.searchParams.set('quantity', String(quantity));
    return url.toString();
  };

  return (
    <div class="widget" data-testid="purchase-method">
      <fieldset>
        <legend>{TERMS.purchaseMethod}</legend>
        <label class="choice">
          <input type="radio" name="purchase-method" value="one-time" checked={method === 'one-time'} onChange={() => setMethod('one-time')} />
          {TERMS.oneTime}
        </label>
        {subscribable && (
          <label class="choice">
            <input type="radio" name="purchase-method" value="subscription" checked={method === 'subscription'} onChange={() => setMethod('subscription')} />
            {TERMS.subscription}
          </label>
        )}
      </fieldset>
      {!subscribable && options.product.onePlusNEvent && <p class="note">1+N 이벤트 상품은 정기배송을 이용할 수 없어요.</p>}
      {method === 'subscription' && (
        <label class="line">
          <span>{TERMS.cycle}</span>
          <select name="cycle" value={cycle ?? ''} onChange={(event) => setCycle(event.currentTarget.value)}>
            {options.cycles.map((code) => (
              <option value={code}>{cycleLabel(code)}</option>
            ))}
          </select>
        </label>
      )}
      <label class="line">
        <span>수량</span>
        <span class="stepper">
          <button type="button" aria-label="수량 빼기" disabled={quantity <= 1} onClick={() => setQuantity(quantity - 1)}>
            −
          </button>
          <output name="quantity">{quantity}</output>
          <button type="button" aria-label="수량 더하기" disabled={quantity >= 99} onClick={() => setQuantity(quantity + 1)}>
            +
          </button>
        </span>
      </label>
      <p class="price">
        <span>{method === 'subscription' ? '1회 배송 금액' : '상품 금액'}</span>
        <strong>{won(options.product.price * quantity)}</strong>
      </p>
      {method === 'subscription' ? (
        <a class="cta" href={orderHref()} data-testid="to-order-form">
          정기배송 {TERMS.orderForm}
        </a>
      ) : (
        <button type="button" class="cta" onClick={() => props.onOneTime(selection)}>
          {TERMS.oneTime}하기
        </button>
      )}
    </div>
  );
}
