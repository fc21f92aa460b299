/**
 * Fills a `{{name}}` template (spaces inside the braces allowed). Unknown names become empty strings.
 * Values are inserted as given: the renderer passes them already escaped for the message type.
 */
export function fillTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([A-Za-z][\w]*)\s*\}\}/g, (_m, name: string) =>
    Object.hasOwn(vars, name) ? (vars[name] ?? '') : '',
  );
}
