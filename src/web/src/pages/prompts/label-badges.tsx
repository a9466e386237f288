/** A prompt's labels as badges (`production → v3`); `production` stands out, the text says it all the same. */
export function LabelBadges({ labels }: { labels: Record<string, number> }) {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <span className="muted">none</span>;
  return (
    <span className="prompt-labels">
      {entries.map(([label, version]) => (
        <span key={label} className={label === 'production' ? 'badge badge-success' : 'badge badge-neutral'}>
          {label} → v{version}
        </span>
      ))}
    </span>
  );
}
