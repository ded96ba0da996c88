/**
 * The top-level folders a bubblewrap root needs besides /usr. On a merged-/usr system (Debian 12) /bin, /lib, … are
 * symlinks into /usr and are recreated as links; elsewhere they are real folders and are bound read-only. Used by
 * the run sandboxes and by the Kafka Connect worker's jail.
 */
import fs from "node:fs";

export interface RootLink {
  name: string;
  /** The link's target when /<name> is a symlink; absent when it is a folder to bind. */
  link?: string;
}

export function rootLinks(): RootLink[] {
  const links: RootLink[] = [];
  for (const name of ["bin", "sbin", "lib", "lib32", "lib64", "libx32"]) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(`/${name}`);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) links.push({ name, link: fs.readlinkSync(`/${name}`) });
    else if (stat.isDirectory()) links.push({ name });
  }
  return links;
}

/** bwrap arguments that recreate `links` inside the sandbox. */
export function rootLinkArgs(links: readonly RootLink[]): string[] {
  return links.flatMap(({ name, link }) => (link ? ["--symlink", link, `/${name}`] : ["--ro-bind", `/${name}`, `/${name}`]));
}
