/** The start page: the repositories kept on this device. */
export default function HomePage() {
  return (
    <section class="page">
      <h1>Repositories</h1>
      <p class="muted" data-testid="repo-list-empty">
        No repositories on this device yet.
      </p>
    </section>
  );
}
