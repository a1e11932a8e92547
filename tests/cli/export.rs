//! `/incidents.json` (SPEC §6), read back as JSON and compared field by field.

use serde_json::json;

use crate::support::Site;

#[test]
fn export_matches_the_spec() {
    let site = Site::new();
    site.write(
        "debrief.toml",
        "title = \"Lib\"\nbase_url = \"https://example.com/sub/path\"\n[[components]]\nname = \"Kubernetes\"\naliases = [\"k8s\"]\n",
    );
    site.write(
        "content/webhook.md",
        r#"---
title: "Webhook timeouts"
date: 2023-02-07T09:12:00+01:00
severity: non-prod
organization: Venafi
summary: An unresponsive webhook.
impact: API timeouts.
components: [k8s, OPA, Opa]
tags: [upgrade]
started: 2023-02-07T09:12:00Z
detected: 2023-02-07T09:40:00Z
resolved: 2023-02-07T12:05:00Z
source: https://example.com/pm
visibility: public
lessons:
  - text: Alert on API server response times.
    themes: [monitoring]
  - Give every workload a liveness probe.
contributing_factors:
  - The webhook had no timeout.
  - text: Upgrades ran without a rehearsal.
    themes: [testing]
detected_by: Alert
near_miss: false
lucky: [It happened in office hours.]
action_items:
  - text: Scope the webhook
    owner: platform
    status: done
    done_on: 2023-02-20
  - text: Write a runbook
    due: 2023-03-01
---
Body.
"#,
    );
    // A later incident sharing a component and a theme: a repeat of `webhook`.
    site.write(
        "content/again.md",
        "---\ntitle: Again\ndate: 2023-09-01\nseverity: minor\ncomponents: [Kubernetes, Calico]\ncontributing_factors: [No timeout on the admission webhook]\nlessons: [Alert on API latency.]\n---\n",
    );
    site.write("content/bare.md", "---\ntitle: Bare\ndate: 2022-01-01\nseverity: minor\n---\nFirst *paragraph* here.\n\nSecond.\n");
    site.write(
        "content/empty.md",
        "---\ntitle: Empty\ndate: 2021-01-01\nseverity: minor\n---\n",
    );
    let out = site.build(&[]);
    let export = out.export();
    assert_eq!(
        export["generator"],
        json!(format!("debrief {}", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(
        export["site"],
        json!({"title": "Lib", "base_url": "https://example.com/sub/path/"})
    );
    assert_eq!(
        export["severities"],
        json!([
            {"key": "production", "label": "Production", "emoji": "🤬", "rank": 1, "count": 0},
            {"key": "non-prod", "label": "Non-production", "emoji": "😅", "rank": 2, "count": 1},
            {"key": "minor", "label": "Minor", "emoji": "🤷", "rank": 3, "count": 3},
        ])
    );
    let again = &export["incidents"][0];
    assert_eq!(again["slug"], "again");
    assert_eq!(again["repeat_count"], 1);
    assert_eq!(
        again["repeats"],
        json!([{"incident": "webhook", "components": ["Kubernetes"], "themes": ["monitoring", "networking", "dependencies"]}])
    );
    assert_eq!(
        again["contributing_factors"],
        json!([{"text": "No timeout on the admission webhook", "themes": ["networking", "dependencies"]}])
    );
    let webhook = &export["incidents"][1];
    assert_eq!(
        *webhook,
        json!({
            "slug": "webhook",
            "url": "/sub/path/incidents/webhook/",
            "permalink": "https://example.com/sub/path/incidents/webhook/",
            "title": "Webhook timeouts",
            "date": "2023-02-07",
            "severity": "non-prod",
            "organization": "Venafi",
            "summary": "An unresponsive webhook.",
            "impact": "API timeouts.",
            "components": ["Kubernetes", "OPA"],
            "tags": ["upgrade"],
            "lessons": [
                {"text": "Alert on API server response times.", "themes": ["monitoring"]},
                {"text": "Give every workload a liveness probe.", "themes": ["health-checks"]},
            ],
            "contributing_factors": [
                {"text": "The webhook had no timeout.", "themes": ["networking", "dependencies"]},
                {"text": "Upgrades ran without a rehearsal.", "themes": ["testing"]},
            ],
            "detected_by": "alert",
            "near_miss": false,
            "lucky": ["It happened in office hours."],
            "action_items": [
                {"text": "Scope the webhook", "owner": "platform", "status": "done", "due": null, "done_on": "2023-02-20"},
                {"text": "Write a runbook", "owner": null, "status": "open", "due": "2023-03-01", "done_on": null},
            ],
            "repeats": [],
            "repeat_count": 0,
            "time_to_detect_minutes": 28,
            "time_to_mitigate_minutes": null,
            "time_to_resolve_minutes": 173,
            "source": "https://example.com/pm",
            "visibility": "public",
        })
    );
    let bare = &export["incidents"][2];
    assert_eq!(bare["summary"], "First paragraph here.");
    assert_eq!(bare["organization"], json!(null));
    assert_eq!(bare["components"], json!([]));
    assert_eq!(bare["lessons"], json!([]));
    assert_eq!(bare["visibility"], "internal");
    let empty = &export["incidents"][3];
    assert_eq!(empty["slug"], "empty");
    assert_eq!(
        empty["summary"],
        json!(null),
        "no summary and no body: null"
    );
    assert_eq!(empty["tags"], json!([]));
    assert_eq!(empty["action_items"], json!([]));
    assert_eq!(empty["time_to_resolve_minutes"], json!(null));
    assert_eq!(empty["contributing_factors"], json!([]));
    assert_eq!(empty["detected_by"], json!(null));
    assert_eq!(empty["near_miss"], json!(false));
    assert_eq!(empty["lucky"], json!([]));
    assert_eq!(empty["repeats"], json!([]));
    assert_eq!(
        export["components"],
        json!([
            {"name": "Calico", "slug": "calico", "url": "/sub/path/components/calico/", "incidents": ["again"]},
            {"name": "Kubernetes", "slug": "kubernetes", "url": "/sub/path/components/kubernetes/", "incidents": ["again", "webhook"]},
            {"name": "OPA", "slug": "opa", "url": "/sub/path/components/opa/", "incidents": ["webhook"]},
        ])
    );
    assert_eq!(
        export["lesson_themes"],
        json!([
            {"key": "monitoring", "label": "Monitoring and alerting", "url": "/sub/path/lessons/monitoring/",
             "lessons": [
                 {"incident": "again", "text": "Alert on API latency."},
                 {"incident": "webhook", "text": "Alert on API server response times."},
             ],
             "contributing_factors": []},
            {"key": "health-checks", "label": "Health checks and probes", "url": "/sub/path/lessons/health-checks/",
             "lessons": [{"incident": "webhook", "text": "Give every workload a liveness probe."}],
             "contributing_factors": []},
            {"key": "networking", "label": "Networking and DNS", "url": "/sub/path/lessons/networking/",
             "lessons": [{"incident": "again", "text": "Alert on API latency."}],
             "contributing_factors": [
                 {"incident": "again", "text": "No timeout on the admission webhook"},
                 {"incident": "webhook", "text": "The webhook had no timeout."},
             ]},
            // A theme that only contributing factors use still has a page.
            {"key": "testing", "label": "Testing and staging", "url": "/sub/path/lessons/testing/",
             "lessons": [],
             "contributing_factors": [{"incident": "webhook", "text": "Upgrades ran without a rehearsal."}]},
            {"key": "dependencies", "label": "Dependencies and operators", "url": "/sub/path/lessons/dependencies/",
             "lessons": [],
             "contributing_factors": [
                 {"incident": "again", "text": "No timeout on the admission webhook"},
                 {"incident": "webhook", "text": "The webhook had no timeout."},
             ]},
        ])
    );
}

#[test]
fn names_take_the_most_used_spelling() {
    let site = Site::new();
    for (file, date, name) in [
        ("a", "2023-01-01", "ETCD"),
        ("b", "2022-01-01", "etcd"),
        ("c", "2021-01-01", "etcd"),
        ("d", "2020-01-01", "Etcd"),
    ] {
        site.write(
            &format!("content/{file}.md"),
            &format!("---\ntitle: {file}\ndate: {date}\nseverity: minor\ncomponents: [{name}]\ntags: [{name}]\norganization: {name}\n---\n"),
        );
    }
    let out = site.build(&[]);
    let export = out.export();
    assert_eq!(export["components"][0]["name"], "etcd");
    assert_eq!(
        export["components"][0]["incidents"],
        json!(["a", "b", "c", "d"])
    );
    for incident in export["incidents"].as_array().unwrap() {
        assert_eq!(incident["components"], json!(["etcd"]));
        assert_eq!(incident["tags"], json!(["etcd"]));
        assert_eq!(incident["organization"], "etcd");
    }
}
