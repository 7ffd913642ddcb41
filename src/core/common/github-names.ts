// GitHub's naming rules, as patterns every parser shares: a login (user or organisation)
// is 1–39 of [A-Za-z0-9-] with no leading, trailing or doubled hyphen; a repository name
// is 1–100 of [A-Za-z0-9_.-].

/** A user or organisation login, as a regex source (no anchors). */
export const LOGIN_SOURCE = "[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}";
/** A repository name, as a regex source (no anchors). */
export const REPO_NAME_SOURCE = "[A-Za-z0-9_.-]{1,100}";

/** A login GitHub would accept: a mention of it notifies that person. */
export const GITHUB_LOGIN = new RegExp(`^${LOGIN_SOURCE}$`);
export const GITHUB_REPO_NAME = new RegExp(`^${REPO_NAME_SOURCE}$`);
