//! Benchmarks of the build's hot stages on a generated library: front-matter parsing,
//! Markdown rendering, highlighting, library building and template rendering.
//!
//! `cargo bench --bench stages` runs them; a stage that regresses shows here before
//! it shows in the end-to-end comparison (`scripts/bench`). The library is written
//! into a temporary folder by a small deterministic generator, so the benchmarks need
//! no fixture files and measure the same work on every machine.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use debrief::Site;
use debrief::content::{self, front_matter};
use debrief::diag::Diagnostics;
use debrief::library::{self, LibraryOptions};
use debrief::markdown::{self, LinkRewrite, highlight};
use debrief::render;

/// Incidents in the generated library: enough for the indexes and term pages to be
/// realistic, few enough for a quick run.
const INCIDENTS: usize = 200;

const COMPONENTS: &[&str] = &[
    "etcd",
    "CoreDNS",
    "Envoy",
    "kubelet",
    "Cilium",
    "Kafka",
    "Redis",
    "PostgreSQL",
    "Vault",
    "Prometheus",
    "Argo CD",
    "Terraform",
    "NGINX Ingress",
    "Karpenter",
];
const TAGS: &[&str] = &[
    "dns", "latency", "upgrade", "oom", "tls", "rollback", "quota", "failover", "cache",
];
const LESSONS: &[&str] = &[
    "Alert on the error rate of every dependency, not only on our own.",
    "Rehearse the rollback of every upgrade in staging first.",
    "Give every workload a readiness probe that checks its dependencies.",
    "Set memory limits from measured peaks and revisit them each quarter.",
    "Keep the runbook next to the alert that needs it.",
    "Document which team owns each dependency and how to reach it.",
];
const SENTENCES: &[&str] = &[
    "The first symptom was a rise in the p99 latency of the checkout API.",
    "Pods began to fail their readiness checks and left the load balancer one by one.",
    "A rollback was started but stalled because the previous image had been removed.",
    "The root cause was a default value that changed between two minor versions.",
    "Engineers first suspected the network and spent twenty minutes on the wrong dashboards.",
    "Client libraries cached DNS answers for much longer than the record's TTL.",
    "The on-call engineer was paged by a synthetic check, not by the service's own alerts.",
    "Error rates went back to normal once the connection pool was recycled.",
];
const CODE: &[(&str, &str)] = &[
    (
        "yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: checkout\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: app\n          resources:\n            limits:\n              memory: 512Mi # too low\n",
    ),
    (
        "bash",
        "kubectl -n prod get pods -o wide | grep -v Running\nkubectl -n prod rollout undo deployment/checkout\nfor n in $(seq 1 5); do curl -fsS https://example.com/health || echo \"try $n failed\"; done\n",
    ),
    (
        "go",
        "func (p *Pool) Get(ctx context.Context) (*Conn, error) {\n\tp.mu.Lock()\n\tdefer p.mu.Unlock()\n\tif len(p.idle) == 0 {\n\t\treturn p.dial(ctx)\n\t}\n\tc := p.idle[len(p.idle)-1]\n\tp.idle = p.idle[:len(p.idle)-1]\n\treturn c, nil\n}\n",
    ),
    (
        "json",
        "{\n  \"level\": \"error\",\n  \"msg\": \"context deadline exceeded\",\n  \"service\": \"checkout\",\n  \"retries\": 3\n}\n",
    ),
];

/// A small deterministic generator (a linear congruential sequence).
struct Picker(u64);

impl Picker {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }

    fn some<'a>(&mut self, items: &[&'a str], count: usize) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        while out.len() < count.min(items.len()) {
            let item = items[self.next(items.len())];
            if !out.contains(&item) {
                out.push(item);
            }
        }
        out
    }
}

/// A Markdown body of about 900 words with sections, a list, a table and 1-2 code blocks.
fn body(p: &mut Picker) -> String {
    let mut out = String::new();
    for section in [
        "Summary",
        "What happened",
        "Root cause",
        "Resolution",
        "Lessons",
    ] {
        let _ = writeln!(out, "## {section}\n");
        for _ in 0..3 {
            let sentences: Vec<&str> = (0..6).map(|_| SENTENCES[p.next(SENTENCES.len())]).collect();
            let _ = writeln!(out, "{}\n", sentences.join(" "));
        }
        if section == "What happened" {
            out.push_str("| Time | Event |\n|---|---|\n| 09:12 | First errors |\n| 09:40 | Alert fires |\n\n");
        }
        if section == "Resolution" {
            out.push_str("- Recycle the pool\n- Raise the limit\n- Add the alert\n\n");
        }
    }
    for _ in 0..1 + p.next(2) {
        let (lang, code) = CODE[p.next(CODE.len())];
        let _ = writeln!(
            out,
            "The relevant part looked like this:\n\n```{lang}\n{code}```\n"
        );
    }
    out
}

/// One incident file in Debrief's format.
fn incident(n: usize) -> String {
    let mut p = Picker(n as u64 + 1);
    let count = 1 + p.next(4);
    let components = p.some(COMPONENTS, count);
    let count = 1 + p.next(3);
    let tags = p.some(TAGS, count);
    let count = 2 + p.next(3);
    let lessons = p.some(LESSONS, count);
    let severity = ["production", "non-prod", "minor"][p.next(3)];
    let quote = |items: &[&str]| {
        items
            .iter()
            .map(|s| format!("\"{s}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = format!(
        "---\ntitle: \"{} outage number {n}\"\ndate: 20{:02}-{:02}-{:02}\nseverity: {severity}\n\
         organization: \"Team {}\"\nimpact: \"Requests failed for {} minutes.\"\n\
         components: [{}]\ntags: [{}]\nstarted: 2024-01-01T09:12:00Z\n\
         detected: 2024-01-01T09:40:00Z\nresolved: 2024-01-01T12:05:00Z\nlessons:\n",
        components[0],
        15 + n % 10,
        1 + n % 12,
        1 + n % 28,
        p.next(8),
        5 + p.next(90),
        quote(&components),
        quote(&tags),
    );
    for lesson in lessons {
        let _ = writeln!(text, "  - \"{lesson}\"");
    }
    text.push_str(
        "action_items:\n  - text: Add the missing alert\n    owner: sre\n    status: open\n---\n",
    );
    text.push_str(&body(&mut p));
    text
}

/// Writes the generated library into `root`.
fn write_site(root: &Path) {
    let dir = root.join("content/incidents");
    std::fs::create_dir_all(&dir).expect("create the content folder");
    std::fs::write(
        root.join("debrief.toml"),
        "title = \"Bench\"\nbase_url = \"https://example.com/\"\n",
    )
    .expect("write the config");
    for n in 0..INCIDENTS {
        std::fs::write(dir.join(format!("incident-{n:04}.md")), incident(n))
            .expect("write an incident");
    }
}

fn front_matter_parse(c: &mut Criterion) {
    let files: Vec<String> = (0..INCIDENTS).map(incident).collect();
    let mut group = c.benchmark_group("front-matter");
    group.throughput(Throughput::Elements(files.len() as u64));
    group.bench_function("split and parse YAML", |b| {
        b.iter(|| {
            for text in &files {
                let split = front_matter::split(text)
                    .ok()
                    .flatten()
                    .expect("front-matter");
                black_box(front_matter::parse(text, &split).expect("valid YAML"));
            }
        });
    });
    group.finish();
}

fn markdown_render(c: &mut Criterion) {
    let mut p = Picker(7);
    let bodies: Vec<String> = (0..20).map(|_| body(&mut p)).collect();
    let keep = |_: markdown::LocalLink<'_>| LinkRewrite::Keep;
    let mut group = c.benchmark_group("markdown");
    group.throughput(Throughput::Bytes(
        bodies.iter().map(|b| b.len() as u64).sum(),
    ));
    group.bench_function("render bodies, highlighting each block", |b| {
        b.iter(|| {
            for body in &bodies {
                black_box(markdown::render(body, &markdown::Options::default(), &keep));
            }
        });
    });
    group.bench_function("render bodies, identical blocks highlighted once", |b| {
        b.iter_batched(
            highlight::Highlights::new,
            |memo| {
                let options = markdown::Options {
                    highlights: Some(&memo),
                    ..markdown::Options::default()
                };
                for body in &bodies {
                    black_box(markdown::render(body, &options, &keep));
                }
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

fn highlighting(c: &mut Criterion) {
    let mut group = c.benchmark_group("highlight");
    for (lang, code) in CODE {
        group.throughput(Throughput::Bytes(code.len() as u64));
        group.bench_function(*lang, |b| {
            b.iter(|| black_box(highlight::highlight(code, lang)))
        });
    }
    group.finish();
}

fn library_and_templates(c: &mut Criterion) {
    let site = tempfile::tempdir().expect("temporary folder");
    write_site(site.path());
    let root = site.path();
    let (config, _) = content::load_config(root).expect("read the config");
    let config = config.expect("a valid config");

    let mut group = c.benchmark_group("site");
    group.throughput(Throughput::Elements(INCIDENTS as u64));
    group.bench_function("load content (read, split, parse, validate)", |b| {
        b.iter(|| {
            let mut diags = Diagnostics::default();
            black_box(content::load_content(root, &config, &mut diags).expect("content"))
        });
    });
    group.bench_function("build library (bodies, indexes)", |b| {
        b.iter_batched(
            || {
                let mut diags = Diagnostics::default();
                content::load_content(root, &config, &mut diags).expect("content")
            },
            |content| {
                let mut diags = Diagnostics::default();
                black_box(library::build_library(
                    content,
                    &config,
                    LibraryOptions::default(),
                    &mut diags,
                ))
            },
            BatchSize::LargeInput,
        );
    });
    // A new site for every run, made outside the timing: what every page shares is
    // computed once per site, and is part of rendering it.
    let new_site = || {
        let mut diags = Diagnostics::default();
        let content = content::load_content(root, &config, &mut diags).expect("content");
        let library =
            library::build_library(content, &config, LibraryOptions::default(), &mut diags);
        let theme = content::load_theme(root, &mut diags).expect("theme");
        let templates = render::load_templates(&theme, &mut diags).expect("templates");
        assert!(!diags.has_errors(), "the generated site has errors");
        Site::new(config.clone(), library, theme, templates)
    };
    group.bench_function("render every page", |b| {
        b.iter_batched(
            new_site,
            |site| {
                let mut diags = Diagnostics::default();
                black_box(site.render_plan(&(), &mut diags))
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group! {
    name = stages;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = front_matter_parse, markdown_render, highlighting, library_and_templates
}
criterion_main!(stages);
