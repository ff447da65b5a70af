/** Placeholder until this screen is built (issue 6). */
export default function Page() {
  return <main class="page" />;
}
