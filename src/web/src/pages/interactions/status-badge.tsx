import type { InteractionStatus } from '../../api/types.js';

const BADGE_CLASS: Record<InteractionStatus, string> = {
  success: 'badge badge-success',
  error: 'badge badge-danger',
  incomplete: 'badge badge-warning',
};

/** An interaction's or an attempt's status as a coloured badge that also says it in words. */
export function StatusBadge({ status }: { status: InteractionStatus }) {
  return <span className={BADGE_CLASS[status]}>{status}</span>;
}
