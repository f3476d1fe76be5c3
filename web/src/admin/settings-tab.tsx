/**
 * 알림 설정 (S11, S12, S23): the '정기배송 결제 안내' mail and SMS, the
 * '정기배송 자동 해지' mail to customers and to the operator; and the
 * 배송 시작일 window buyers may pick from (S15).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ok, type paths } from '../api/session-api.ts';
import { useAction, useLoad } from '../ui/hooks.ts';
import { ErrorNotice, Field, Loading, Notice, Section } from '../ui/kit.tsx';
import { TERMS } from '../ui/labels.ts';

type Notifications = paths['/admin/settings/notifications']['get']['responses'][200]['content']['application/json'];
type Window = paths['/admin/settings/subscription']['get']['responses'][200]['content']['application/json']['startDateWindow'];

const admin = () => api('admin');

/** A settings form: loaded once, edited locally, saved with PUT (which answers what was stored). */
function useSettingsForm<T>(load: () => Promise<T>, store: (value: T) => Promise<T>) {
  const loaded = useLoad(load, []);
  const [form, setForm] = useState<T | undefined>();
  const [saved, setSaved] = useState(false);
  useEffect(() => setForm(loaded.data), [loaded.data]);
  const save = useAction(async () => {
    setForm(await store(form!));
    setSaved(true);
  });
  const change = (next: T) => {
    setSaved(false);
    setForm(next);
  };
  return { loaded, form, change, save, saved };
}

function SaveBar(props: { save: ReturnType<typeof useAction>; saved: boolean }) {
  return (
    <>
      <ErrorNotice error={props.save.error} />
      {props.saved && <Notice kind="success">저장했어요.</Notice>}
      <button type="submit" class="primary" disabled={props.save.busy}>
        저장
      </button>
    </>
  );
}

function Toggle(props: { label: string; hint?: string; checked: boolean; onChange: (checked: boolean) => void; name: string }) {
  return (
    <label class="check">
      <input type="checkbox" name={props.name} checked={props.checked} onChange={(e) => props.onChange(e.currentTarget.checked)} />
      <span>
        {props.label}
        {props.hint && <span class="small muted"> — {props.hint}</span>}
      </span>
    </label>
  );
}

function NotificationSettings() {
  const { loaded, form, change, save, saved } = useSettingsForm(
    () => ok(admin().GET('/admin/settings/notifications')),
    (body: Notifications) => ok(admin().PUT('/admin/settings/notifications', { body })),
  );
  if (loaded.error !== undefined) return <ErrorNotice error={loaded.error} />;
  if (!form) return <Loading />;
  return (
    <Section title="알림 설정">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <h3>'{TERMS.paymentNotice}' (배송 2일 전, S17)</h3>
        <Toggle name="noticeMail" label="메일" checked={form.paymentNotice.mail} onChange={(mail) => change({ ...form, paymentNotice: { ...form.paymentNotice, mail } })} />
        <Toggle name="noticeSms" label="SMS" hint="SMS 건수가 충전되어 있어야 발송돼요 (S12)" checked={form.paymentNotice.sms} onChange={(sms) => change({ ...form, paymentNotice: { ...form.paymentNotice, sms } })} />
        <h3>'{TERMS.autoCancel}' 메일 (S23)</h3>
        <Toggle name="autoCancelCustomer" label="고객에게" hint="대량 메일 건수에서 차감돼요 (S24)" checked={form.autoCancel.customerMail} onChange={(customerMail) => change({ ...form, autoCancel: { ...form.autoCancel, customerMail } })} />
        <Toggle name="autoCancelOperator" label="운영자에게" checked={form.autoCancel.operatorMail} onChange={(operatorMail) => change({ ...form, autoCancel: { ...form.autoCancel, operatorMail } })} />
        <Field label="운영자 메일 주소">
          <input type="email" name="operatorEmail" required value={form.operatorEmail} onInput={(e) => change({ ...form, operatorEmail: e.currentTarget.value })} />
        </Field>
        <SaveBar save={save} saved={saved} />
      </form>
    </Section>
  );
}

function StartDateWindow() {
  const { loaded, form, change, save, saved } = useSettingsForm(
    async () => (await ok(admin().GET('/admin/settings/subscription'))).startDateWindow,
    async (startDateWindow: Window) => (await ok(admin().PUT('/admin/settings/subscription', { body: { startDateWindow } }))).startDateWindow,
  );
  if (!form) return loaded.error !== undefined ? <ErrorNotice error={loaded.error} /> : <Loading />;
  return (
    <Section title={`${TERMS.startDate} 선택 기간 (S15)`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <p class="small muted">구매자가 주문서에서 고를 수 있는 배송 시작일이에요. 결제 안내(배송 2일 전)가 지나지 않도록 가장 빨라도 3일 뒤부터예요.</p>
        <div class="row">
          <Field label="오늘부터 며칠 뒤부터">
            <input type="number" min={3} max={365} value={form.earliestDaysAhead} onInput={(e) => change({ ...form, earliestDaysAhead: Number(e.currentTarget.value) })} />
          </Field>
          <Field label="며칠 뒤까지">
            <input type="number" min={3} max={365} value={form.latestDaysAhead} onInput={(e) => change({ ...form, latestDaysAhead: Number(e.currentTarget.value) })} />
          </Field>
        </div>
        <SaveBar save={save} saved={saved} />
      </form>
    </Section>
  );
}

export function SettingsTab() {
  return (
    <>
      <NotificationSettings />
      <StartDateWindow />
    </>
  );
}
