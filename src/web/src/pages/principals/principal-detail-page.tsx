import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { apiGet, withQuery } from '../../api/client.js';
import { useCanManage } from '../../api/use-session.js';
import { ErrorState, LoadingState } from '../../components/query-states.js';
import { formatTime } from '../../format.js';
import { DeleteEndUser } from './delete-end-user.js';
import { EndUserForm } from './end-user-form.js';
import { type EndUser, endUserApiPath } from './principal-types.js';

function EndUserFacts({ user }: { user: EndUser }) {
  const rows: Array<[string, string]> = [
    ['Name', user.name],
    ['Groups', user.groups.length === 0 ? '—' : user.groups.join(', ')],
    ['Roles', user.roles.length === 0 ? '—' : user.roles.join(', ')],
    ['Clearance', user.clearance ?? 'none (lowest level only)'],
    ['Status', user.disabled ? 'disabled: requests naming them are refused' : 'active'],
    ['Added', formatTime(user.createdAt)],
    ['Changed', formatTime(user.updatedAt)],
  ];
  return (
    <div className="card table-wrap">
      <table className="table">
        <caption className="visually-hidden">What the directory says about {user.id}</caption>
        <tbody>
          {rows.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One end user: what retrieval sees of them; admins change or delete them and can search as them. */
export function PrincipalDetailPage() {
  const { id = '' } = useParams();
  const canManage = useCanManage();
  const user = useQuery({
    queryKey: ['principal', id],
    queryFn: () => apiGet<EndUser>(endUserApiPath(id)),
  });
  return (
    <section aria-labelledby="principal-heading">
      <div className="page-header">
        <h1 id="principal-heading">{id}</h1>
        <Link to="/principals">All end users</Link>
      </div>
      {user.isPending ? <LoadingState label="Loading the end user…" /> : null}
      {user.isError ? <ErrorState error={user.error} title="Could not load the end user" /> : null}
      {user.data === undefined ? null : (
        <>
          <EndUserFacts user={user.data} />
          {canManage ? (
            <>
              <p>
                <Link to={withQuery('/retrieval', { end_user: id })}>Search the documents as {id}</Link>
              </p>
              <section className="card" aria-labelledby="principal-change-heading">
                <h2 id="principal-change-heading">Change</h2>
                <EndUserForm existing={user.data} />
              </section>
              <DeleteEndUser id={id} />
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
