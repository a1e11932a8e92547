//! Libraries written for other tools (SPEC §9): other names for fields, unknown keys
//! kept as extra, and the defaults that let plain Markdown build without an edit.

use serde_json::Value;

use crate::support::{Site, texts};

/// The exported incident with this slug.
fn exported(export: &Value, slug: &str) -> Value {
    export["incidents"]
        .as_array()
        .expect("a list of incidents")
        .iter()
        .find(|i| i["slug"] == slug)
        .unwrap_or_else(|| panic!("no incident {slug} in {export}"))
        .clone()
}

const POSTMORTEMS_APP: &str = r#"title = "Adopted"
default_severity = "minor"

[front_matter]
unknown_keys = "extra"

[front_matter.aliases]
organization = ["company"]
tags = ["keywords", "categories"]
started = ["start_time"]
resolved = ["end_time"]
source = ["url"]
date = ["start_time"]
"#;

#[test]
fn other_tools_front_matter_builds_with_only_a_config() {
    let site = Site::new();
    site.write("debrief.toml", POSTMORTEMS_APP);
    // postmortems.app style: no date, no severity, its own key names.
    site.write(
        "content/cloudflare-2020-07-17.md",
        "---\ntitle: Cloudflare DNS resolver outage\ncompany: Cloudflare\nkeywords: [dns, bgp]\n\
         start_time: 2020-07-17T21:12:00+00:00\nend_time: 2020-07-17T21:39:00+00:00\n\
         url: https://blog.cloudflare.com/cloudflare-outage-on-july-17-2020/\nproduct: 1.1.1.1\n---\n\
         A bad backbone config took traffic away from half the network.\n",
    );
    // A Jekyll post: the date comes from the file name.
    site.write(
        "content/_posts/2023-02-07-dns-outage.md",
        "---\nlayout: post\ntitle: \"DNS outage\"\ncategories: [postmortem]\n---\nThe resolvers fell over.\n",
    );
    // Google's template as plain Markdown: no front-matter at all.
    site.write(
        "content/2021-03-04-checkout-certificate.md",
        "# Checkout down: an expired certificate\n\n**Status:** final\n\n## Summary\n\nThe certificate expired.\n",
    );
    let out = site.build(&[]);
    let export = out.export();

    let cloudflare = exported(&export, "cloudflare-2020-07-17");
    assert_eq!(cloudflare["organization"], "Cloudflare");
    assert_eq!(cloudflare["tags"], serde_json::json!(["dns", "bgp"]));
    assert_eq!(cloudflare["date"], "2020-07-17");
    assert_eq!(cloudflare["severity"], "minor");
    assert_eq!(cloudflare["time_to_resolve_minutes"], 27);
    assert_eq!(
        cloudflare["source"],
        "https://blog.cloudflare.com/cloudflare-outage-on-july-17-2020/"
    );

    let jekyll = exported(&export, "2023-02-07-dns-outage");
    assert_eq!(jekyll["date"], "2023-02-07");
    assert_eq!(jekyll["tags"], serde_json::json!(["postmortem"]));

    let google = exported(&export, "2021-03-04-checkout-certificate");
    assert_eq!(google["title"], "Checkout down: an expired certificate");
    assert_eq!(google["date"], "2021-03-04");
    // The heading that gave the title is not repeated in the page.
    let page = out.html("incidents/2021-03-04-checkout-certificate/index.html");
    assert_eq!(
        texts(&page, "h1"),
        ["Checkout down: an expired certificate"]
    );
    // Unknown keys are kept, without a word: no warning names them.
    assert!(!out.stderr.contains("product"), "{}", out.stderr);
    assert!(!out.stderr.contains("layout"), "{}", out.stderr);
}

#[test]
fn a_field_given_under_two_names_warns_at_the_one_not_read() {
    let site = Site::new();
    site.write("debrief.toml", POSTMORTEMS_APP);
    site.write(
        "content/a.md",
        "---\ntitle: A\norganization: Acme\ncompany: Acme Corp\nkeywords: [dns]\ncategories: [net]\n\
         date: 2024-01-01\ncomponents: [CoreDNS]\nlessons: [x]\n---\nBody.\n",
    );
    let run = site.run(&["check"]);
    run.expect_code(0);
    assert_eq!(
        run.stderr
            .lines()
            .filter(|l| l.starts_with("warning") || l.starts_with("  help"))
            .collect::<Vec<_>>(),
        [
            "warning: content/a.md:4:1: `company` is not read: this file gives `organization` under its own name",
            "  help: keep one of the two; [front_matter.aliases] tries `organization` first, then `company`",
            "warning: content/a.md:6:1: `categories` is not read: `tags` is read from `keywords`",
            "  help: keep one of the two; [front_matter.aliases] tries `tags` first, then `keywords`, `categories`",
        ],
        "{}",
        run.stderr
    );
}

#[test]
fn problems_are_located_at_the_key_actually_read() {
    let site = Site::new();
    site.write("debrief.toml", POSTMORTEMS_APP);
    site.write(
        "content/a.md",
        "---\ntitle: A\ndate: 2024-01-01\nkeywords: dns\nend_time: yesterday\n---\nBody.\n",
    );
    let run = site.run(&["check"]);
    run.expect_code(1);
    assert!(
        run.stderr
            .contains("error: content/a.md:5:11: `resolved` is not a date and time: `yesterday`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/a.md:4:"),
        "the list error points at `keywords`: {}",
        run.stderr
    );
}

#[test]
fn without_extra_unknown_keys_still_warn() {
    let site = Site::new();
    site.write(
        "content/2024-01-01-a.md",
        "---\ntitle: A\nseverity: minor\nproduct: x\ncomponents: [etcd]\nlessons: [y]\n---\nBody.\n",
    );
    let run = site.run(&["check"]);
    run.expect_code(0);
    assert!(
        run.stderr.contains("content/2024-01-01-a.md:4:1"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("`product`"), "{}", run.stderr);
}
