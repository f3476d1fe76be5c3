/**
 * The platform console (role platform): register shops (S8) and their PG
 * contracts (S1, S9, S21), record the PG's review result (S2) and top up the
 * credits a shop bought (S12).
 */
import { useState } from 'preact/hooks';
import { api, ok, type paths } from '../api/session-api.ts';
import { siteConfig } from '../config.ts';
import { PgContracts } from '../platform/pg-contracts.tsx';
import { rememberShop, recentShops } from '../platform/recent-shops.ts';
import { demoLogin } from '../session.ts';
import { useAction } from '../ui/hooks.ts';
import { ErrorNotice, Field, Notice, Page, Section } from '../ui/kit.tsx';
import { serviceStatusLabel } from '../ui/labels.ts';
import { WithSession } from '../ui/sign-in.tsx';
import { boot } from './boot.tsx';

type NewShop = paths['/platform/shops']['post']['requestBody']['content']['application/json'];

const platform = () => api('platform');

function ShopPicker(props: { value: string; onInput: (value: string) => void }) {
  return (
    <Field label="쇼핑몰 아이디">
      <input name="shopId" list="recent-shops" required value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
      <datalist id="recent-shops">
        {recentShops().map((id) => (
          <option value={id} />
        ))}
      </datalist>
    </Field>
  );
}

function CreateShop(props: { onCreated: (shopId: string) => void }) {
  const [form, setForm] = useState<NewShop>({ shopId: '', name: '', operatorEmail: '', productManagement: 'new' });
  const [created, setCreated] = useState<string | null>(null);
  const create = useAction(async () => {
    const shop = await ok(platform().POST('/platform/shops', { body: form }));
    rememberShop(shop.shopId);
    setCreated(shop.shopId);
    props.onCreated(shop.shopId);
  });
  const openAsMerchant = useAction(async (shopId: string) => {
    await demoLogin('admin', shopId, 'owner');
    location.assign('/admin.html#service');
  });
  return (
    <Section title="쇼핑몰 등록">
      <form
        data-testid="create-shop"
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <div class="row">
          <Field label="쇼핑몰 아이디" hint="영문 소문자, 숫자, -">
            <input name="shopId" required value={form.shopId} onInput={(e) => setForm({ ...form, shopId: e.currentTarget.value })} />
          </Field>
          <Field label="쇼핑몰 이름">
            <input name="name" required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
          </Field>
        </div>
        <div class="row">
          <Field label="운영자 메일">
            <input name="operatorEmail" type="email" required value={form.operatorEmail} onInput={(e) => setForm({ ...form, operatorEmail: e.currentTarget.value })} />
          </Field>
          <Field label="상품 관리" hint="정기배송은 뉴상품 관리에서만 쓸 수 있어요 (S8).">
            <select name="productManagement" value={form.productManagement} onChange={(e) => setForm({ ...form, productManagement: e.currentTarget.value as NewShop['productManagement'] })}>
              <option value="new">뉴상품 관리</option>
              <option value="legacy">이전 상품 관리</option>
            </select>
          </Field>
        </div>
        <ErrorNotice error={create.error} />
        <button type="submit" class="primary" disabled={create.busy}>
          등록
        </button>
      </form>
      {created && (
        <Notice kind="success" testId="shop-created">
          <p>
            <strong>{created}</strong> 쇼핑몰을 등록했어요.
          </p>
          {siteConfig().local && (
            <button type="button" class="link" onClick={() => void openAsMerchant.run(created)}>
              이 쇼핑몰의 운영자로 정기배송 관리 열기
            </button>
          )}
        </Notice>
      )}
    </Section>
  );
}

function Review(props: { shopId: string; setShopId: (shopId: string) => void }) {
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const review = useAction(async (decision: 'approved' | 'rejected') => {
    const service = await ok(platform().POST('/platform/shops/{shopId}/review', { params: { path: { shopId: props.shopId } }, body: decision === 'approved' ? { decision } : { decision, reason } }));
    rememberShop(props.shopId);
    setResult(`${props.shopId}: ${serviceStatusLabel(service.status)}`);
  });
  return (
    <Section title="PG사 심사 결과 등록 (S2)">
      <p class="small muted">쇼핑몰이 신청하면 PG사가 서류와 상품 상세·주문서 화면을 심사해요. 그 결과를 등록하면 승인된 쇼핑몰의 서비스가 바로 이용 중이 돼요.</p>
      <ShopPicker value={props.shopId} onInput={props.setShopId} />
      <Field label="반려 사유 (반려할 때)">
        <input name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
      <ErrorNotice error={review.error} />
      {result && <Notice kind="success" testId="review-result">{result}</Notice>}
      <div class="actions">
        <button type="button" class="primary" disabled={review.busy || !props.shopId} onClick={() => void review.run('approved')} data-testid="approve">
          승인
        </button>
        <button type="button" disabled={review.busy || !props.shopId || !reason.trim()} onClick={() => void review.run('rejected')}>
          반려
        </button>
      </div>
    </Section>
  );
}

function TopUp(props: { shopId: string; setShopId: (shopId: string) => void }) {
  const [sms, setSms] = useState(100);
  const [bulkMail, setBulkMail] = useState(100);
  const [reference, setReference] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const topUp = useAction(async () => {
    const balances = await ok(
      platform().POST('/platform/shops/{shopId}/credits', {
        params: { path: { shopId: props.shopId } },
        body: { ...(sms > 0 ? { sms } : {}), ...(bulkMail > 0 ? { bulkMail } : {}), ...(reference.trim() ? { reference: reference.trim() } : {}) },
      }),
    );
    setResult(`${props.shopId}: SMS ${balances.sms}건, 대량 메일 ${balances.bulkMail}건`);
  });
  return (
    <Section title="SMS · 대량 메일 건수 충전 (S12)">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void topUp.run();
        }}
      >
        <ShopPicker value={props.shopId} onInput={props.setShopId} />
        <div class="row">
          <Field label="SMS">
            <input type="number" min={0} value={sms} onInput={(e) => setSms(Number(e.currentTarget.value))} />
          </Field>
          <Field label="대량 메일">
            <input type="number" min={0} value={bulkMail} onInput={(e) => setBulkMail(Number(e.currentTarget.value))} />
          </Field>
          <Field label="충전 번호 (선택)" hint="같은 번호로 다시 충전하면 한 번만 반영돼요.">
            <input value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
          </Field>
        </div>
        <ErrorNotice error={topUp.error} />
        {result && <Notice kind="success">{result}</Notice>}
        <button type="submit" class="primary" disabled={topUp.busy || !props.shopId}>
          충전
        </button>
      </form>
    </Section>
  );
}

function PlatformConsole() {
  const [shopId, setShopId] = useState(recentShops()[0] ?? 'demo-shop');
  return (
    <>
      <CreateShop onCreated={setShopId} />
      <Section title="쇼핑몰 선택">
        <ShopPicker value={shopId} onInput={setShopId} />
      </Section>
      <PgContracts shopId={shopId} />
      <Review shopId={shopId} setShopId={setShopId} />
      <TopUp shopId={shopId} setShopId={setShopId} />
    </>
  );
}

void boot(() => (
  <Page title="플랫폼 관리">
    <WithSession role="platform">{() => <PlatformConsole />}</WithSession>
  </Page>
));
