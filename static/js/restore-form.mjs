// Puts back what a person typed into a form when their session ran out (intervention.interrupted_forms):
// the fields arrive as [name, value] pairs in a data attribute, and fill the page's form that has them.
const holder = document.getElementById("app-restored-form");

function restore(form, pairs) {
  const seen = {};
  for (const [name, value] of pairs) {
    const elements = Array.from(form.elements).filter((element) => element.name === name);
    if (elements.length === 0) continue;
    const first = elements[0];
    if (first.type === "radio" || first.type === "checkbox") {
      for (const element of elements) {
        if (element.value === value) element.checked = true;
      }
    } else if (first.tagName === "SELECT" && first.multiple) {
      for (const option of first.options) {
        if (option.value === value) option.selected = true;
      }
    } else {
      // A name that repeats (formset rows, date parts) fills its fields in order.
      const index = seen[name] || 0;
      seen[name] = index + 1;
      const element = elements[Math.min(index, elements.length - 1)];
      if (element.type !== "file") element.value = value;
    }
  }
}

if (holder) {
  const pairs = JSON.parse(holder.dataset.fields);
  const names = new Set(pairs.map(([name]) => name));
  const form = Array.from(document.querySelectorAll("main form")).find((candidate) =>
    Array.from(candidate.elements).some((element) => names.has(element.name)),
  );
  if (form) {
    // Clear the choices the page drew, so only what was typed is ticked.
    for (const element of form.elements) {
      if ((element.type === "checkbox" || element.type === "radio") && names.has(element.name)) {
        element.checked = false;
      }
    }
    restore(form, pairs);
  }
}
