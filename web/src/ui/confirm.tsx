/** A confirmation that says what the action does before it is done (no browser dialog: it can be read and tested). */
import type { ComponentChildren } from 'preact';

export function Confirm(props: { title: string; children: ComponentChildren; confirmLabel: string; busy?: boolean; danger?: boolean; onConfirm: () => void; onCancel: () => void; testId?: string }) {
  return (
    <div class="confirm" role="dialog" aria-label={props.title} data-testid={props.testId}>
      <h3>{props.title}</h3>
      {props.children}
      <div class="actions">
        <button type="button" onClick={props.onCancel}>
          취소
        </button>
        <button type="button" class={props.danger ? 'danger' : 'primary'} disabled={props.busy} onClick={props.onConfirm} data-testid="confirm">
          {props.confirmLabel}
        </button>
      </div>
    </div>
  );
}
