import { initAll } from "../govuk-frontend/dist/govuk/govuk-frontend.min.js";
import "./restore-form.mjs";
import "./session-timeout.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
