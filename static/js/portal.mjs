// Progressive enhancement for GOV.UK Frontend components; pages work without it.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
import "/static/js/print-button.mjs";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
