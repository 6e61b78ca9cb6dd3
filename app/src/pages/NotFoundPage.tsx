import { A } from '@solidjs/router';

export default function NotFoundPage() {
  return (
    <section class="page">
      <h1>Page not found</h1>
      <p>
        <A href="/">Back to your repositories</A>
      </p>
    </section>
  );
}
