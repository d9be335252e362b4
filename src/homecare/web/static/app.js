// Starts GOV.UK Frontend's components. A browser that runs this module supports them all;
// everything works without this script, which only adds the enhancements.
import { initAll } from "/assets/vendor/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
