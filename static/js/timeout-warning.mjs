// The GOV.UK timeout warning: before an idle session ends, a modal dialog says "You will be signed out
// soon" with a countdown and a "Stay signed in" button. The timing comes from data- attributes the
// server writes (accounts.context_processors.session_timeout); "Stay signed in" POSTs to the keep-alive
// endpoint with the page's CSRF token; at zero the dialog's own sign-out form is submitted.

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function describe(seconds) {
  return seconds > 60 ? plural(Math.ceil(seconds / 60), "minute") : plural(seconds, "second");
}

export function startTimeoutWarning(dialog) {
  const warning = Number(dialog.dataset.warningSeconds);
  const countdown = dialog.querySelector("[data-countdown]");
  const announce = dialog.querySelector("[data-announce]");
  const form = dialog.querySelector("[data-sign-out-form]");
  const stay = dialog.querySelector("[data-stay-signed-in]");
  let deadline = Date.now() + Number(dialog.dataset.remainingSeconds) * 1000;
  let warnTimer = null;
  let tick = null;
  let returnFocusTo = null;

  const secondsLeft = () => Math.max(0, Math.round((deadline - Date.now()) / 1000));

  function update() {
    const left = secondsLeft();
    countdown.textContent = describe(left);
    if (left === 0) {
      clearInterval(tick);
      form.submit();
      return;
    }
    // Screen readers hear the time left now and then, not every second.
    if (left % 60 === 0 || (left <= 60 && left % 20 === 0)) {
      announce.textContent = `We will sign you out in ${describe(left)}.`;
    }
  }

  function open() {
    if (dialog.open) return;
    returnFocusTo = document.activeElement;
    announce.textContent = `You will be signed out soon. We will sign you out in ${describe(secondsLeft())}.`;
    dialog.showModal();
    update();
    tick = setInterval(update, 1000);
  }

  function close() {
    clearInterval(tick);
    if (dialog.open) dialog.close();
    if (returnFocusTo && typeof returnFocusTo.focus === "function") returnFocusTo.focus();
  }

  function schedule() {
    clearTimeout(warnTimer);
    warnTimer = setTimeout(open, Math.max(0, deadline - Date.now() - warning * 1000));
  }

  async function staySignedIn() {
    const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    let response;
    try {
      response = await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      });
    } catch {
      return; // offline: the warning stays open and the countdown goes on
    }
    if (!response.ok) {
      window.location.reload(); // the session has already ended: the page shows sign-in
      return;
    }
    const body = await response.json();
    deadline = Date.now() + body.remaining * 1000;
    close();
    schedule();
  }

  stay.addEventListener("click", staySignedIn);
  // Escape means "stay signed in", as in the GOV.UK pattern, rather than closing the dialog silently.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  schedule();
}

document.querySelectorAll('[data-module="app-timeout-warning"]').forEach(startTimeoutWarning);
