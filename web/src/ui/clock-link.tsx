/** `npm start` only: a date the pages show links to the dev console's clock, set to that day's run. */
import type { ComponentChildren } from 'preact';
import { siteConfig } from '../config.ts';
import { day } from './format.ts';

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

/** The next notice (D-2) and charge (D-1) dates as fact rows, each with its clock link. */
export function runDateRows(subscription: { nextNoticeDate: string | null; nextChargeDate: string | null }, noticeLabel: string): Array<readonly [string, ComponentChildren]> {
  return [
    [
      noticeLabel,
      <>
        {day(subscription.nextNoticeDate)}
        <ClockLink date={subscription.nextNoticeDate} run="noticeRun" />
      </>,
    ],
    [
      '결제일',
      <>
        {day(subscription.nextChargeDate)}
        <ClockLink date={subscription.nextChargeDate} run="chargeRun" />
      </>,
    ],
  ];
}
