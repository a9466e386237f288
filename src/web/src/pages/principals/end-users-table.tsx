import { Link } from 'react-router';
import { type EndUser, endUserPagePath } from './principal-types.js';

const listOrDash = (names: string[]) =>
  names.length === 0 ? <span className="muted">—</span> : names.join(', ');

/** One page of the directory: each end user with groups, roles, clearance and status, linking to their page. */
export function EndUsersTable({ users }: { users: EndUser[] }) {
  return (
    <div className="card table-wrap">
      <table className="table">
        <caption className="visually-hidden">End users by id</caption>
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Name</th>
            <th scope="col">Groups</th>
            <th scope="col">Roles</th>
            <th scope="col">Clearance</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <th scope="row" className="mono">
                <Link to={endUserPagePath(user.id)}>{user.id}</Link>
              </th>
              <td>{user.name}</td>
              <td>{listOrDash(user.groups)}</td>
              <td>{listOrDash(user.roles)}</td>
              <td>{user.clearance ?? <span className="muted">lowest only</span>}</td>
              <td>
                {user.disabled ? (
                  <span className="badge badge-danger">disabled</span>
                ) : (
                  <span className="badge badge-success">active</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
