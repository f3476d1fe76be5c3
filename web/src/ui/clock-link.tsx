/** `npm start` only: a date the pages show links to the dev console's clock, set to that day's run. */
import { siteConfig } from '../config.ts';

export function ClockLink(props: { date: string | null | undefined; run: 'noticeRun' | 'chargeRun' }) {
  if (!siteConfig().local || !props.date) return null;
  return (
    <>
      {' '}
      <a class="small" href={`/dev.html?date=${props.date}&run=${props.run}`} title="개발 콘솔의 테스트 시계">
        (시계 이동)
      </a>
    </>
  );
}
