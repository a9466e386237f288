import { Link } from 'react-router';

/** Any dashboard path without a page. */
export function NotFoundPage() {
  return (
    <section aria-labelledby="not-found-heading">
      <h1 id="not-found-heading">Page not found</h1>
      <p>
        There is no page here. Go to the <Link to="/">overview</Link>.
      </p>
    </section>
  );
}
