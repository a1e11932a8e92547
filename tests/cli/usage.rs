//! The command line itself: help with examples, version, completions, and what a
//! build prints with and without `--quiet` and `--verbose`.

use std::process::Command;

use crate::support::{Run, Site, incident};

fn debrief(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_debrief"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run debrief");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn help_shows_every_command_and_examples() {
    let run = debrief(&["--help"]);
    run.expect_code(0);
    for command in ["build", "serve", "check", "new", "init", "completions"] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(command)),
            "{command} missing from --help:\n{}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("Examples:"), "{}", run.stdout);
    assert!(run.stdout.contains("debrief init my-library"));
    assert!(run.stdout.contains("--quiet") && run.stdout.contains("--verbose"));
    for command in ["build", "check", "new", "init", "completions"] {
        let run = debrief(&[command, "--help"]);
        run.expect_code(0);
        assert!(
            run.stdout
                .contains(&format!("Examples:\n  debrief {command}")),
            "{command} --help has no examples:\n{}",
            run.stdout
        );
    }
}

#[test]
fn version_names_the_program() {
    let run = debrief(&["--version"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout,
        format!("debrief {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_cover_the_commands() {
    let bash = debrief(&["completions", "bash"]);
    bash.expect_code(0);
    assert!(
        bash.stdout.contains("complete -F _debrief"),
        "{}",
        bash.stdout
    );
    for word in ["init", "new", "--severity", "--eject", "--base-url"] {
        assert!(
            bash.stdout.contains(word),
            "{word} missing from bash completions"
        );
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let run = debrief(&["completions", shell]);
        run.expect_code(0);
        assert!(run.stdout.contains("severity"), "{shell}");
    }
    debrief(&["completions", "tcsh"]).expect_code(2);
}

fn small_site() -> Site {
    let site = Site::new();
    site.write(
        "content/a.md",
        &incident(
            "Cache stampede",
            "2024-01-02",
            "minor",
            "components: [Redis]\nlessons: [Add jitter to expiries.]\nseverty: x\n",
        ),
    );
    site
}

#[test]
fn the_summary_line_says_what_was_built() {
    let site = small_site();
    let out = site.build(&[]);
    let last = out.stderr.lines().last().unwrap_or_default();
    let public = site.path().join("public").display().to_string();
    assert!(
        last.starts_with(&format!("built 1 incident into {public}: ")),
        "{last}"
    );
    let pages = out.files().iter().filter(|f| f.ends_with(".html")).count();
    assert!(last.contains(&format!(": {pages} pages, ")), "{last}");
    assert!(last.contains(" 1 warning, "), "{last}");
    assert!(last.ends_with(" ms"), "{last}");
    // Piped, so no colours and no progress bar.
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
}

#[test]
fn quiet_prints_only_problems() {
    let site = small_site();
    let run = site.run(&["--quiet", "build"]);
    run.expect_code(0);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(lines[0].starts_with("warning: content/a.md:"), "{lines:?}");
    assert!(!run.stderr.contains("built"), "{}", run.stderr);
    let clean = Site::new();
    clean.write("content/a.md", &incident("A", "2024-01-02", "minor", ""));
    let run = clean.run(&["check", "-q"]);
    run.expect_code(0);
    assert!(!run.stderr.contains("checked"), "{}", run.stderr);
}

#[test]
fn verbose_lists_the_stages_with_their_times() {
    let site = small_site();
    let run = site.run(&["build", "--verbose"]);
    run.expect_code(0);
    let stage_lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(" ms") && !l.starts_with("built"))
        .collect();
    let stages: Vec<&str> = stage_lines
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        stages,
        ["config", "content", "theme", "library", "render", "write"]
    );
    // Each stage also says how much memory the build has held at most so far.
    if cfg!(target_os = "linux") {
        for line in &stage_lines {
            let words: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(words.get(3), Some(&"peak"), "{line}");
            assert!(words[4].parse::<u64>().is_ok_and(|mb| mb > 0), "{line}");
            assert_eq!(words.get(5), Some(&"MB"), "{line}");
        }
    }
    site.run(&["build", "--quiet", "--verbose"]).expect_code(2);
    let check = site.run(&["-v", "check"]);
    check.expect_code(0);
    let stages: Vec<&str> = check
        .stderr
        .lines()
        .filter(|l| l.contains(" ms"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(stages, ["config", "content", "theme", "library", "render"]);
}

#[test]
fn the_summary_is_coloured_only_when_colour_is_wanted() {
    let site = small_site();
    let build = |env: &[(&str, &str)]| site.stderr_with_env("build", env, 0);
    let piped = build(&[]);
    assert!(!piped.contains('\u{1b}'), "{piped:?}");
    let forced = build(&[("CLICOLOR_FORCE", "1")]);
    let summary = forced.lines().last().unwrap_or_default();
    assert!(
        summary.starts_with("\u{1b}[1m\u{1b}[32mbuilt\u{1b}[0m 1 incident into "),
        "{summary:?}"
    );
    // NO_COLOR wins over a forced terminal; the progress bar never shows when piped.
    let no_color = build(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!no_color.contains('\u{1b}'), "{no_color:?}");
}
