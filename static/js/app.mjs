// Starts GOV.UK Frontend. Loaded as a module from a static file: the CSP allows no inline script.
import { initAll } from "../govuk/govuk-frontend.min.js";
import "./timeout-warning.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
