/** One usage-against-limit bar: `label  [=====     ]  used / limit`. Without a limit, only the usage shows. */
export function UsageMeter(props: {
  label: string;
  used: number;
  limit: number | undefined;
  format: (value: number) => string;
}) {
  const { label, used, limit, format } = props;
  const ratio = limit === undefined ? null : Math.min(used / limit, 1);
  return (
    <div className="meter">
      <span>{label}</span>
      {ratio === null ? (
        <span className="muted">no limit</span>
      ) : (
        <progress max={1} value={ratio} aria-label={`${label}: ${format(used)} of ${format(limit ?? 0)}`} />
      )}
      <span className="meter-value">
        {format(used)}
        {limit === undefined ? '' : ` / ${format(limit)}`}
      </span>
    </div>
  );
}
