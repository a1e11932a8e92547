//! Diagnostics are coloured only when colour is wanted: never when piped or with
//! `NO_COLOR`, and when forced with `CLICOLOR_FORCE` (as a terminal would get).

use crate::support::Site;

fn check_stderr(site: &Site, env: &[(&str, &str)]) -> String {
    site.stderr_with_env("check", env, 1)
}

#[test]
fn colour_on_request_plain_when_piped_or_no_color() {
    let site = Site::new();
    site.write(
        "content/a.md",
        "---\ntitle: A\ndate: 2023-01-01\nseverity: minr\ncomponents: [a]\nlessons: [b]\nsevrity: x\n---\n",
    );
    let piped = check_stderr(&site, &[]);
    assert!(!piped.contains('\u{1b}'), "{piped:?}");
    assert!(piped.contains(
        "error: content/a.md:4:11: unknown severity `minr`\n  help: did you mean `minor`?"
    ));

    let forced = check_stderr(&site, &[("CLICOLOR_FORCE", "1")]);
    assert!(
        forced.contains("\u{1b}[1m\u{1b}[31merror\u{1b}[0m"),
        "{forced:?}"
    );
    assert!(
        forced.contains("\u{1b}[1m\u{1b}[33mwarning\u{1b}[0m"),
        "{forced:?}"
    );
    assert!(
        forced.contains("\u{1b}[1m\u{1b}[36mhelp:\u{1b}[0m"),
        "{forced:?}"
    );

    let no_color = check_stderr(&site, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert_eq!(no_color, piped);
}
