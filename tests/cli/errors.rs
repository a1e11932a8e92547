//! The whole text of the errors that stop a command before the content is looked
//! at (the environment's, not the content's), as `build` prints them and as
//! `check --format json` reports them.

use crate::support::Site;

#[test]
fn a_site_without_content_names_the_folder() {
    let site = Site::empty();
    site.write("debrief.toml", "title = \"No content\"\n");
    let build = site.run(&["build"]);
    build.expect_code(1);
    let content = site.path().join("content");
    assert_eq!(
        build.stderr,
        format!("error: {}: no content folder here\n", content.display())
    );
    assert!(!site.path().join("public").exists(), "nothing is written");

    let check = site.run(&["check", "--format", "json"]);
    check.expect_code(1);
    let report: serde_json::Value = serde_json::from_str(&check.stdout).expect("JSON");
    assert_eq!(
        report,
        serde_json::json!([{
            "level": "error",
            "path": "content",
            "line": null,
            "column": null,
            "message": "no content folder here",
            "help": null,
        }])
    );
}

#[test]
fn init_refuses_a_folder_that_holds_files() {
    let site = Site::empty();
    site.write("notes.txt", "mine\n");
    let dir = site.path().to_str().expect("a UTF-8 temp path");
    let run = site.run(&["init", dir]);
    run.expect_code(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: refusing to create a site in {}: the folder is not empty (--force writes the missing files and keeps every existing one)\n",
            site.path().display()
        )
    );
    assert_eq!(site.read("notes.txt"), "mine\n");
}
