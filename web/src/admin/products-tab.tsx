/**
 * 상품: which products offer 정기배송 and with which 배송 주기 (S13). A 1+N
 * event product never offers it, whatever its settings (S14).
 */
import { useState } from 'preact/hooks';
import { api, ok, type paths } from '../api/session-api.ts';
import { won } from '../ui/format.ts';
import { useAction, useLoad } from '../ui/hooks.ts';
import { Badge, ErrorNotice, Field, Loading, Notice, Section } from '../ui/kit.tsx';
import { ALL_CYCLES, cycleLabel } from '../ui/labels.ts';

type Product = paths['/admin/products']['get']['responses'][200]['content']['application/json']['items'][number];
type ProductBody = paths['/admin/products/{productId}']['put']['requestBody']['content']['application/json'];
type Cycle = ProductBody['subscription']['cycles'][number];

const admin = () => api('admin');

function ProductForm(props: { productId?: string; product?: Product; onSaved: () => void; onClose: () => void }) {
  const [productId, setProductId] = useState(props.productId ?? '');
  const [form, setForm] = useState<ProductBody>(
    props.product
      ? {
          name: props.product.name,
          price: props.product.price,
          subscription: props.product.subscription,
          onePlusNEvent: props.product.onePlusNEvent,
          // PUT replaces the product: what this form does not edit is sent back as it was.
          ...(props.product.maxDeliveries ? { maxDeliveries: props.product.maxDeliveries } : {}),
          ...(props.product.discounts?.length ? { discounts: props.product.discounts } : {}),
        }
      : { name: '', price: 10_000, subscription: { enabled: true, cycles: ['2w', '1m'] }, onePlusNEvent: false },
  );
  const save = useAction(async () => {
    await ok(admin().PUT('/admin/products/{productId}', { params: { path: { productId } }, body: form }));
    props.onSaved();
  });
  const toggleCycle = (cycle: Cycle, on: boolean) =>
    setForm({ ...form, subscription: { ...form.subscription, cycles: on ? ALL_CYCLES.filter((c) => c === cycle || form.subscription.cycles.includes(c as Cycle)) as Cycle[] : form.subscription.cycles.filter((c) => c !== cycle) } });
  return (
    <form
      class="product-form"
      data-testid={`product-form-${props.productId ?? 'new'}`}
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      {!props.productId && (
        <Field label="상품 아이디" hint="영문 소문자, 숫자, -">
          <input name="productId" required pattern="[a-z0-9][a-z0-9-]*" value={productId} onInput={(e) => setProductId(e.currentTarget.value)} />
        </Field>
      )}
      <div class="row">
        <Field label="상품명">
          <input name="name" required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </Field>
        <Field label="판매가(원)">
          <input name="price" type="number" min={1} step={1} required value={form.price} onInput={(e) => setForm({ ...form, price: Number(e.currentTarget.value) })} />
        </Field>
      </div>
      <label class="check">
        <input type="checkbox" name="subscriptionEnabled" checked={form.subscription.enabled} onChange={(e) => setForm({ ...form, subscription: { ...form.subscription, enabled: e.currentTarget.checked } })} />
        정기배송 상품으로 판매 (S13)
      </label>
      {form.subscription.enabled && (
        <fieldset class="cycles">
          <legend class="small">제공할 배송 주기</legend>
          {ALL_CYCLES.map((cycle) => (
            <label class="check">
              <input type="checkbox" name={`cycle-${cycle}`} checked={form.subscription.cycles.includes(cycle as Cycle)} onChange={(e) => toggleCycle(cycle as Cycle, e.currentTarget.checked)} />
              {cycleLabel(cycle)}
            </label>
          ))}
        </fieldset>
      )}
      {form.subscription.enabled && (
        <Field label="배송 횟수 (선택)" hint="이만큼 배송하면 정기배송이 끝나요. 비우면 해지할 때까지예요.">
          <input
            name="maxDeliveries"
            type="number"
            min={1}
            value={form.maxDeliveries ?? ''}
            onInput={(e) => {
              const { maxDeliveries: _dropped, ...rest } = form;
              const value = Number(e.currentTarget.value);
              setForm(value > 0 ? { ...rest, maxDeliveries: value } : rest);
            }}
          />
        </Field>
      )}
      {form.discounts?.length ? <p class="small muted">회차별 할인 {form.discounts.length}건은 그대로 유지돼요.</p> : null}
      <label class="check">
        <input type="checkbox" name="onePlusNEvent" checked={form.onePlusNEvent} onChange={(e) => setForm({ ...form, onePlusNEvent: e.currentTarget.checked })} />
        1+N 이벤트 상품
      </label>
      {form.onePlusNEvent && form.subscription.enabled && <Notice kind="warn">1+N 이벤트 상품은 상품 설정이 되어도 정기배송 서비스를 이용할 수 없어요 (S14).</Notice>}
      <ErrorNotice error={save.error} />
      <div class="actions">
        <button type="button" onClick={props.onClose}>
          닫기
        </button>
        <button type="submit" class="primary" disabled={save.busy} data-testid="save-product">
          저장
        </button>
      </div>
    </form>
  );
}

export function ProductsTab(props: { shopId: string }) {
  const products = useLoad(() => ok(admin().GET('/admin/products', { params: { query: { limit: 100 } } })), []);
  const [editing, setEditing] = useState<string | null>(null);
  const saved = () => {
    setEditing(null);
    products.reload();
  };
  if (products.error !== undefined) return <ErrorNotice error={products.error} />;
  if (!products.data) return <Loading />;
  return (
    <Section
      title="정기배송 상품 설정"
      actions={
        <button type="button" onClick={() => setEditing('')}>
          상품 추가
        </button>
      }
    >
      {editing === '' && <ProductForm onSaved={saved} onClose={() => setEditing(null)} />}
      <div class="table-wrap">
        <table data-testid="products">
          <thead>
            <tr>
              <th>상품</th>
              <th class="num">판매가</th>
              <th>구매방법</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {products.data.items.map((product) => (
              <>
                <tr data-product={product.productId}>
                  <td>
                    {product.name}
                    <br />
                    <span class="small muted">{product.productId}</span>
                  </td>
                  <td class="num">{won(product.price)}</td>
                  <td>
                    {product.subscribable ? <Badge tone="ok">1회 구매 · 정기배송</Badge> : <Badge>1회 구매</Badge>}
                    {product.onePlusNEvent && <Badge tone="warn">1+N 이벤트</Badge>}
                    {product.subscribable && <div class="small muted">{product.subscription.cycles.map(cycleLabel).join(', ')}</div>}
                  </td>
                  <td>
                    <button type="button" class="link" onClick={() => setEditing(product.productId)} data-testid={`edit-${product.productId}`}>
                      수정
                    </button>{' '}
                    <a class="small" href={`/product.html?shop=${encodeURIComponent(props.shopId)}&product=${encodeURIComponent(product.productId)}`}>
                      상품 상세
                    </a>
                  </td>
                </tr>
                {editing === product.productId && (
                  <tr>
                    <td colSpan={4}>
                      <ProductForm productId={product.productId} product={product} onSaved={saved} onClose={() => setEditing(null)} />
                    </td>
                  </tr>
                )}
              </>
            ))}
          </tbody>
        </table>
      </div>
      {products.data.items.length === 0 && <p class="muted">상품이 없어요.</p>}
    </Section>
  );
}
