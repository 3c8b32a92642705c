/**
 * Which files make up a firmware load, as the phone fetches them (provisioning.md §3.2):
 * `<load>.loads` first (the manifest), then the files it names.
 */

/** File names a `.loads` manifest refers to (`.sbn`, `.sb2`, `.bin`, `.zz`… components), itself excluded. */
export function filesNamedIn(manifest: Buffer, loadsFile: string): string[] {
  const text = manifest.toString('latin1');
  const names = new Set<string>();
  for (const match of text.matchAll(/[A-Za-z0-9][A-Za-z0-9_.-]*\.(?:sbn|sb2|bin|zz|zup|sbin|loads)\b/gi)) {
    const name = match[0];
    if (name.toLowerCase() !== loadsFile.toLowerCase()) names.add(name);
  }
  return [...names];
}

/** The manifest of a load: provisioning.md §1.2 step 5, "`<load>.loads` then the files it lists". */
export function manifestOf(loadId: string): string {
  return `${loadId}.loads`;
}
