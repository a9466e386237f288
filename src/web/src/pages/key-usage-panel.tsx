import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../api/client.js';
import type { KeyUsage } from '../api/types.js';
import { ErrorState, LoadingState } from '../components/query-states.js';
import { UsageMeter } from '../components/usage-meter.js';
import { formatCount, formatUsd } from '../format.js';

/** A key's spend and rate against its limits, refreshed while open. */
export function KeyUsagePanel({ keyId }: { keyId: string }) {
  const usage = useQuery({
    queryKey: ['keys', keyId, 'usage'],
    queryFn: () => apiGet<KeyUsage>(`/api/keys/${encodeURIComponent(keyId)}/usage`),
    refetchInterval: 10_000,
  });
  if (usage.isPending) return <LoadingState label="Loading usage…" />;
  if (usage.isError) return <ErrorState error={usage.error} title="Could not load usage" />;
  const { limits, usage: current } = usage.data;
  return (
    <div className="usage" aria-label="Usage against limits">
      <UsageMeter
        label="Spend today"
        used={current.spendTodayUsd}
        limit={limits.spendPerDayUsd}
        format={formatUsd}
      />
      <UsageMeter
        label="Spend this month"
        used={current.spendThisMonthUsd}
        limit={limits.spendPerMonthUsd}
        format={formatUsd}
      />
      <UsageMeter
        label="Requests this minute"
        used={current.requestsThisMinute}
        limit={limits.requestsPerMinute}
        format={formatCount}
      />
      <UsageMeter
        label="Tokens this minute"
        used={current.tokensThisMinute}
        limit={limits.tokensPerMinute}
        format={formatCount}
      />
    </div>
  );
}
