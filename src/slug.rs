//! Slugs: the URL-safe form of file names and of component, tag, organization
//! and theme names. One rule for all of them (SPEC §2), so that a slug can
//! never carry `/`, `\` or `..` into an output path.

/// Lowercases `text`, keeps letters and digits of any script, and turns every
/// other run of characters into one `-`, with no `-` at either end.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// True when `text` is already a slug: non-empty and unchanged by [`slugify`].
pub fn is_slug(text: &str) -> bool {
    !text.is_empty() && slugify(text) == text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_follows_the_spec() {
        assert_eq!(slugify("Webhook Timeouts: 2023!"), "webhook-timeouts-2023");
        assert_eq!(slugify("  --a__b--  "), "a-b");
        assert_eq!(slugify("C++"), "c");
        assert_eq!(slugify("Ünïcode Straße"), "ünïcode-straße");
        assert_eq!(slugify("集群 故障"), "集群-故障");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("a\\b/c"), "a-b-c");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn is_slug_accepts_only_normal_forms() {
        assert!(is_slug("kube-apiserver"));
        assert!(is_slug("集群"));
        assert!(!is_slug("Kube"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert!(!is_slug(""));
    }
}
