// Polls a submission's JSON status while the worker scores it, then reloads the page to show the
// result. A static module: the CSP allows no inline script. Without JavaScript the page refreshes
// itself (<noscript><meta http-equiv="refresh">).
const progress = document.querySelector("[data-module='app-score-progress']");

if (progress) {
  const url = progress.dataset.statusUrl;
  const message = progress.querySelector("[data-role='status-label']");
  let delay = 1000;

  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const status = await response.json();
        if (status.done) {
          window.location.reload();
          return;
        }
        if (message && message.textContent !== status.label) message.textContent = status.label;
      }
    } catch {
      // A dropped connection: keep trying, a little less often.
    }
    delay = Math.min(delay * 1.5, 5000);
    window.setTimeout(poll, delay);
  };
  window.setTimeout(poll, delay);
}
