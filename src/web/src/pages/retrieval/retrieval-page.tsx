import { useCanManage } from '../../api/use-session.js';
import { CollectionsPanel } from './collections-panel.js';
import { DecisionsPanel } from './decisions-panel.js';
import { PreviewPanel } from './preview-panel.js';

/** Documents and retrieval: collections with their access rules, "search as user X", and the decision trail. */
export function RetrievalPage() {
  const canManage = useCanManage();
  return (
    <section aria-labelledby="retrieval-heading">
      <div className="page-header">
        <h1 id="retrieval-heading">Documents &amp; retrieval</h1>
      </div>
      <section aria-labelledby="retrieval-collections">
        <h2 id="retrieval-collections">Collections and who may read their documents</h2>
        <CollectionsPanel />
      </section>
      {canManage ? (
        <>
          <section aria-labelledby="retrieval-preview">
            <h2 id="retrieval-preview">Search as an end user</h2>
            <PreviewPanel />
          </section>
          <section aria-labelledby="retrieval-decisions">
            <h2 id="retrieval-decisions">Retrieval decisions</h2>
            <DecisionsPanel />
          </section>
        </>
      ) : (
        <p className="notice">Only admins can search as an end user or read the retrieval decisions.</p>
      )}
    </section>
  );
}
