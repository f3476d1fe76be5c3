/**
 * The test clock: where the simulated time stands, the next daily runs, and
 * buttons that move the clock to the next notice run (D-2, S17) or the next
 * charge run (D-1), firing every run in between as EventBridge Scheduler would.
 */
import { useState } from 'preact/hooks';
import { localApi, type FiredRun } from '../api/local.ts';
import { seoulTime } from '../ui/format.ts';
import { useAction, useLoad } from '../ui/hooks.ts';
import { ErrorNotice, Loading, Section } from '../ui/kit.tsx';
import { TERMS } from '../ui/labels.ts';

const RUN_NAMES: Record<string, string> = { noticeRun: `${TERMS.paymentNotice} 실행 (D-2)`, chargeRun: '결제 실행 (D-1)' };
const runName = (name: string) => RUN_NAMES[name] ?? name;

function summary(run: FiredRun): string {
  const result = run.result as Record<string, unknown> | undefined;
  if (!run.ok) return `실패: ${run.error ?? ''}`;
  if (!result || typeof result !== 'object') return '완료';
  return Object.entries(result)
    .filter(([, value]) => typeof value === 'number' || typeof value === 'string')
    .map(([key, value]) => `${key} ${String(value)}`)
    .join(' · ');
}

export function ClockPanel(props: { onMoved: () => void }) {
  const clock = useLoad(() => localApi.clock(), []);
  const [fired, setFired] = useState<readonly FiredRun[] | null>(null);
  const move = useAction(async (body: Parameters<typeof localApi.moveClock>[0]) => {
    const moved = await localApi.moveClock(body);
    setFired(moved.runs);
    clock.reload();
    props.onMoved();
  });
  const next = (name: string) => clock.data?.upcoming.find((run) => run.functionName === name);
  const runTo = (name: string) => {
    const run = next(name);
    if (run) void move.run({ now: run.at });
  };
  // A date the pages showed (a notice or charge date): move to that day's run. Links from the pages fill it in.
  const asked = new URLSearchParams(location.search);
  const [date, setDate] = useState(asked.get('date') ?? '');
  const [runName_, setRunName] = useState(asked.get('run') === 'chargeRun' ? 'chargeRun' : 'noticeRun');
  const dayRun = clock.data?.runTimes.find((run) => run.functionName === runName_);
  const toDay = () => dayRun && void move.run({ now: `${date}T${dayRun.time}:00+09:00` });
  return (
    <Section title="테스트 시계">
      {!clock.data ? (
        <Loading />
      ) : (
        <>
          <p>
            지금 (서울) <strong data-testid="clock-now">{seoulTime(clock.data.now)}</strong>
          </p>
          <ul class="small">
            {clock.data.upcoming.slice(0, 4).map((run) => (
              <li>
                {seoulTime(run.at)} {runName(run.functionName)}
              </li>
            ))}
          </ul>
        </>
      )}
      <div class="actions">
        <button type="button" class="primary" disabled={move.busy || !next('noticeRun')} onClick={() => runTo('noticeRun')} data-testid="run-notice">
          다음 결제 안내 실행까지
        </button>
        <button type="button" class="primary" disabled={move.busy || !next('chargeRun')} onClick={() => runTo('chargeRun')} data-testid="run-charge">
          다음 결제 실행까지
        </button>
        <button type="button" disabled={move.busy} onClick={() => void move.run({ days: 1 })}>
          +1일
        </button>
        <button type="button" disabled={move.busy} onClick={() => void move.run({ days: 7 })}>
          +7일
        </button>
      </div>
      <form
        class="row"
        onSubmit={(event) => {
          event.preventDefault();
          toDay();
        }}
      >
        <label class="field">
          <span class="label">날짜</span>
          <input type="date" name="date" required value={date} onInput={(e) => setDate(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="label">그날의</span>
          <select name="run" value={runName_} onChange={(e) => setRunName(e.currentTarget.value === 'chargeRun' ? 'chargeRun' : 'noticeRun')}>
            <option value="noticeRun">{runName('noticeRun')}</option>
            <option value="chargeRun">{runName('chargeRun')}</option>
          </select>
        </label>
        <button type="submit" disabled={move.busy || !date || !dayRun} data-testid="run-on-date">
          {dayRun ? `${dayRun.time} 실행까지 이동` : '이동'}
        </button>
      </form>
      <ErrorNotice error={move.error} />
      {fired && (
        <div data-testid="fired-runs">
          <h3>실행된 작업 {fired.length}건</h3>
          <ul class="small">
            {fired.map((run) => (
              <li>
                {seoulTime(run.scheduledTime)} {runName(run.functionName)} — {summary(run)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Section>
  );
}
