#!/usr/bin/env python3
"""Write one synthetic incident library as a Debrief, a Hugo and a Zola site.

    python3 scripts/corpus.py --count N --out DIR [--seed S]

writes

    DIR/debrief/   debrief.toml, content/incidents/<year>/<slug>.md  (SPEC §2 front-matter)
    DIR/hugo/      hugo.toml, content/incidents/<slug>.md, layouts/, static/
    DIR/zola/      config.toml (Zola >= 0.22), config.legacy.toml (Zola 0.19-0.21),
                   content/_index.md, content/incidents/_index.md + pages, templates/, static/

The three sites hold the same N incidents: the same titles, dates, taxonomies,
lessons, action items and byte-identical Markdown bodies (600-1,500 words, `##`
sections, 1-2 fenced code blocks in yaml/bash/go/json, lists, sometimes a table).
The Hugo and Zola templates do the work that Debrief does, for a like-for-like
comparison: every incident page (metadata, durations, term links, highlighted body,
lessons, action items), every term page listing its incidents (and, for lesson
themes, the lessons of that theme), the full index at / and /incidents/, an
Atom/RSS feed of the 50 newest and a sitemap. URLs are the same in all three:
/incidents/<slug>/, /severity/<key>/, /components/<slug>/, /tags/<slug>/,
/organizations/<slug>/ and /lessons/<theme>/.

Deterministic: everything comes from the seed (no wall clock, no hash order).
Incident i depends only on (seed, i), so the library of 1,000 is the first
1,000 incidents of the library of 10,000. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
from datetime import datetime, timedelta, timezone

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

COMPONENTS = [
    "etcd", "CoreDNS", "kube-dns", "Linkerd", "Istio", "Envoy", "kube-apiserver",
    "kube-scheduler", "kube-controller-manager", "kubelet", "kube-proxy", "Cilium",
    "Calico", "Flannel", "Weave Net", "containerd", "Docker", "CRI-O", "NGINX Ingress",
    "Traefik", "HAProxy", "AWS ALB", "AWS NLB", "Amazon EKS", "GKE", "AKS", "Kubernetes",
    "Prometheus", "Alertmanager", "Grafana", "Thanos", "Fluentd", "Fluent Bit",
    "Elasticsearch", "Kafka", "ZooKeeper", "RabbitMQ", "Redis", "PostgreSQL", "MySQL",
    "Cassandra", "Vault", "cert-manager", "external-dns", "Cluster Autoscaler",
    "Karpenter", "Helm", "Argo CD", "Flux", "Terraform", "Open Policy Agent",
    "Gatekeeper", "Kyverno", "Jenkins", "GitHub Actions", "Consul", "Memcached",
    "MinIO", "Ceph", "Velero", "Jaeger", "OpenTelemetry Collector",
    "Horizontal Pod Autoscaler", "Metrics Server",
]

TAGS = [
    "upgrade", "dns", "latency", "outage", "config-change", "certificate-expiry", "oom",
    "cpu-throttling", "autoscaling", "network-partition", "data-loss", "split-brain",
    "rollout", "rollback", "webhook", "rbac", "quota", "disk-pressure", "memory-leak",
    "connection-pool", "retry-storm", "thundering-herd", "clock-skew", "ip-exhaustion",
    "mtu", "conntrack", "load-balancer", "tls", "secrets", "cron", "batch",
    "cascading-failure", "cache", "database", "migration", "on-call", "alerting",
    "capacity", "multi-region", "failover", "dependency", "human-error",
]

ORG_PREFIXES = [
    "Northwind", "Bluefin", "Redwood", "Silverline", "Harbor", "Copperleaf", "Brightpath",
    "Ironbridge", "Lakeside", "Summit", "Granite", "Tidewater", "Foxglove", "Orchard",
    "Starling", "Meridian",
]
ORG_SUFFIXES = ["Payments", "Logistics", "Health", "Media", "Travel", "Games", "Bank"]
# 16 x 7 = 112 combinations; the first 80 of a fixed shuffle are the pool.
_orgs = [f"{p} {s}" for p in ORG_PREFIXES for s in ORG_SUFFIXES]
random.Random("debrief-corpus-orgs").shuffle(_orgs)
ORGANIZATIONS = _orgs[:80]

TEAMS = [
    "platform-team", "sre", "networking", "storage-team", "payments-oncall", "data-platform",
    "security", "developer-experience", "observability", "release-engineering",
]

SEVERITIES = [("production", 35), ("non-prod", 40), ("minor", 25)]

# Lesson themes: Debrief's site config defines exactly these (so a theme a lesson names
# is always defined), and the generator assigns plain-string lessons to themes with the
# same rule as SPEC §4, so the Hugo and Zola sites get the same lesson themes as Debrief.
THEMES = [
    ("monitoring", "Monitoring and alerting",
     ["alert", "alerts", "alerting", "monitor", "monitoring", "dashboard", "dashboards",
      "metric", "metrics", "slo", "probe", "observability"]),
    ("health-checks", "Health checks and probes",
     ["liveness", "readiness", "health check", "health checks", "liveness probe",
      "readiness probe", "startup probe"]),
    ("change-management", "Change management and rollouts",
     ["upgrade", "upgrades", "rollout", "rollouts", "rollback", "deploy", "deployment",
      "release", "canary", "change", "changes", "migration"]),
    ("capacity", "Capacity and resource limits",
     ["capacity", "limit", "limits", "quota", "quotas", "cpu", "memory", "oom",
      "autoscaling", "autoscaler", "headroom", "disk"]),
    ("networking", "Networking and DNS",
     ["dns", "network", "networking", "coredns", "ndots", "latency", "load balancer",
      "ingress", "mtu", "conntrack", "timeout", "timeouts"]),
    ("security", "Security and access",
     ["security", "rbac", "certificate", "certificates", "tls", "secret", "secrets",
      "permission", "permissions", "credentials", "audit"]),
    ("testing", "Testing and staging",
     ["test", "tests", "testing", "staging", "chaos", "load test", "rehearse", "game day"]),
    ("backup", "Backup and recovery",
     ["backup", "backups", "restore", "recovery", "snapshot", "snapshots", "replication"]),
    ("incident-response", "Incident response and communication",
     ["incident", "incidents", "communication", "status page", "escalation", "escalate",
      "on-call", "incident commander", "customers"]),
    ("configuration", "Configuration and infrastructure as code",
     ["configuration", "config", "misconfiguration", "terraform", "helm", "gitops",
      "manifest", "manifests", "defaults", "default"]),
    ("dependencies", "Dependencies and operators",
     ["dependency", "dependencies", "operator", "operators", "webhook", "webhooks",
      "admission", "third-party", "vendor", "upstream"]),
    ("documentation", "Documentation and runbooks",
     ["documentation", "docs", "runbook", "runbooks", "playbook", "playbooks", "readme",
      "training"]),
]
OTHER_THEME = "other"

_WORD = re.compile(r"[^\W_]+")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def theme_keywords(themes) -> list[tuple[str, list[list[str]]]]:
    return [(key, [_words(k) for k in kws]) for key, _label, kws in themes]


def themes_for(text: str, keywords) -> list[str]:
    """SPEC §4 for a lesson that names no theme: every theme with a keyword that
    matches a run of whole words of the text (case-insensitive), else `other`."""
    words = _words(text)
    found = []
    for key, kws in keywords:
        for kw in kws:
            n = len(kw)
            if any(words[i:i + n] == kw for i in range(len(words) - n + 1)):
                found.append(key)
                break
    return found or [OTHER_THEME]


# --- titles, summaries, impacts ---------------------------------------------------

TITLE_PROBLEMS = [
    "certificate expiry", "memory leak", "misconfigured ndots", "stale endpoints",
    "quota exhaustion", "a runaway cron job", "a bad config push", "an unbounded retry loop",
    "clock skew", "a full disk", "a leaked connection pool", "an expired token",
    "a silent upgrade", "a split-brain", "conntrack table exhaustion", "an MTU mismatch",
    "a noisy neighbour", "a missing readiness probe", "an admission webhook timeout",
    "a forgotten feature flag", "IP address exhaustion", "an oversized ConfigMap",
    "a DNS race", "a slow leader election", "a typo in a Helm value", "CPU throttling",
]
TITLE_CONSEQUENCES = [
    "takes down checkout", "stalls deployments for {h} hours", "causes {m} minutes of 502s",
    "drops {pct}% of requests", "breaks service discovery", "blocks every node upgrade",
    "empties the search index", "delays payouts", "floods the on-call pager",
    "evicts the logging pipeline", "freezes the control plane", "doubles API latency",
    "loses a day of metrics", "locks out the support team", "halts batch processing",
    "corrupts a replica", "slows every login", "knocks a region offline",
]
TITLE_FORMS = [
    "{c1}: {problem} {consequence}",
    "How {problem} in {c1} {consequence}",
    "{problem_cap} in {c1} {consequence}",
    "{c1} and {c2}: {problem} {consequence}",  # last: only with two components or more
]

SUMMARIES = [
    "A change to {c1} interacted badly with {c2} and {consequence_past}.",
    "{problem_cap} in {c1} went unnoticed until it {consequence_past}.",
    "During routine maintenance, {problem} in {c1} {consequence_past}.",
    "An alert on {svc} fired late: {problem} in {c1} had already {consequence_pp}.",
    "Traffic growth exposed {problem} in {c1}; the on-call engineer traced it through {c2}.",
]
IMPACTS = [
    "{pct}% of requests to {svc} failed for {m} minutes.",
    "Deployments to {ns} were blocked for {h} hours; no customer impact.",
    "Customers in {region} saw elevated latency for {m} minutes.",
    "Internal dashboards were stale for {h} hours.",
    "{n} batch jobs had to be rerun; two reports were delayed by a day.",
    "The support team could not reach {svc} for {m} minutes.",
    "No user-visible impact; {n} pods restarted and recovered on their own.",
]

SERVICES = [
    "checkout-api", "payments-gateway", "search-indexer", "auth-service", "ledger",
    "notifications", "media-transcoder", "inventory", "recommendations", "billing-worker",
    "session-store", "pricing-engine", "order-events", "report-builder", "image-resizer",
]
NAMESPACES = ["prod", "payments", "platform", "data", "edge", "batch", "monitoring", "staging"]
REGIONS = ["eu-west-1", "us-east-1", "us-west-2", "ap-southeast-1", "europe-west4", "eastus2"]
METRICS = [
    "p99 latency", "error rate", "queue depth", "heap usage", "open file descriptors",
    "goroutine count", "replication lag", "request rate", "CPU throttling ratio",
]

# --- body sentence pools (no `{{` or `{%` ever: Zola and Hugo would read a shortcode) ---

S_SUMMARY = [
    "On {date}, {problem} in {c1} {consequence_past}.",
    "The incident started at {t0} UTC and was resolved {h} hours later.",
    "{org} runs {svc} on a shared cluster with {n} nodes in {region}.",
    "The first symptom was a rise in the {metric} of `{svc}`, which nobody connected to {c1} at first.",
    "Most of the impact came from a retry storm between {svc} and {c2}.",
    "The on-call engineer was paged by a synthetic check, not by the service's own alerts.",
    "We declared an incident after {m} minutes, once it was clear the problem was not transient.",
    "This postmortem is blameless: the goal is to understand how the system allowed the failure.",
    "The change that triggered it had passed review and every automated check we had.",
    "No data was lost, but {n} customers opened support tickets during the window.",
]
S_BACKGROUND = [
    "{c1} has been part of the platform since {year}, and the current setup dates from a migration two years later.",
    "Every workload in the `{ns}` namespace talks to {c2} through a sidecar that retries failed calls three times.",
    "The cluster runs {c1} version {v_old}; the upgrade to {v_new} was planned for the next quarter.",
    "Requests from `{svc}` fan out to {n} downstream services, each with its own timeout.",
    "Configuration for {c1} lives in a Git repository and is applied by {c3} on every merge.",
    "Nodes are spread over three availability zones in {region}, with a minimum of {n} nodes per zone.",
    "The team that owns {c1} is not the team that owns {c2}, and their on-call rotations are separate.",
    "Most alerts are routed through {c3} to a shared channel that receives around {n} messages a day.",
    "The `{svc}` deployment sets resource requests but no limits, a decision made to avoid CPU throttling.",
    "Client libraries cache DNS answers for {n} seconds, much longer than the record's TTL.",
    "Capacity planning is done once a quarter from the previous quarter's peak traffic.",
    "Certificates are issued by {c1} and rotated automatically, or so everyone believed.",
]
S_WHAT = [
    "At {t0} UTC a routine change rolled out to {c1} across the `{ns}` namespace.",
    "Within minutes, the {metric} of `{svc}` started to climb.",
    "Pods began to fail their readiness checks and were removed from the load balancer one by one.",
    "{c2} kept sending traffic to endpoints that no longer existed.",
    "The Horizontal Pod Autoscaler reacted to the extra load by adding replicas, which made the contention worse.",
    "Error rates on the public API rose to {pct}% and stayed there for {m} minutes.",
    "The control plane became slow to answer, so `kubectl` commands timed out for everyone trying to help.",
    "Engineers first suspected a network problem and spent {m} minutes looking at {c3} dashboards.",
    "A rollback was started at {t1} UTC but stalled because the previous image had been garbage-collected.",
    "Logs from `{svc}` showed thousands of `context deadline exceeded` errors per second.",
    "The queue in front of `{svc}` grew to {n}000 messages before consumers caught up.",
    "Some nodes reported `NotReady` while their kubelets were busy restarting containers.",
    "Meanwhile, {c1} elected a new leader twice in five minutes, each time dropping in-flight writes.",
    "Health checks kept passing, because they only checked that the process was alive.",
]
S_ROOT = [
    "The root cause was {problem} in {c1}, introduced by a change that looked harmless in review.",
    "A default value in {c1} changed between {v_old} and {v_new}, and our configuration relied on the old one.",
    "The timeout of {c2} was shorter than the time {c1} needed to answer under load, so every retry added load.",
    "A single misconfigured field made {c1} treat every request as a cache miss.",
    "The bug was only reachable when more than {n} replicas started at the same time.",
    "Nothing in the pipeline tested the change against a cluster of production size.",
    "The dependency between `{svc}` and {c2} was undocumented, so the rollout plan did not include it.",
    "Resource limits on {c1} were set years ago and never revisited as traffic grew {n}-fold.",
    "A certificate used by {c1} expired because its renewal job had been failing silently for weeks.",
    "Connection pools in `{svc}` never released broken connections, so the pool slowly filled with dead sockets.",
]
S_DETECT = [
    "The incident was detected by a customer report {m} minutes after it started.",
    "An alert on the {metric} fired, but it was routed to a channel nobody was watching.",
    "Our synthetic probe for `{svc}` caught the failure within two minutes.",
    "The dashboards showed the problem clearly; nobody was looking at them.",
    "Detection took longer than it should have because the alert threshold was tuned for a quieter service.",
    "The first page went to the wrong team, which lost {m} minutes to escalation.",
]
S_RESOLVE = [
    "We rolled {c1} back to {v_old} at {t1} UTC and traffic recovered within minutes.",
    "Scaling the node pool from {n} to {n2} nodes relieved the pressure while we worked on a fix.",
    "The fix was a one-line change to the `{svc}` configuration, deployed through the normal pipeline.",
    "Restarting {c2} cleared the stale state, and error rates returned to normal.",
    "We temporarily disabled the admission webhook so that deployments could proceed.",
    "Once the certificate was renewed by hand, every client reconnected on its own.",
    "Traffic was shifted to {region} while the affected cluster was repaired.",
    "A manual failover of {c1} restored writes; the old primary was rebuilt from a snapshot.",
]
S_WELL = [
    "The incident channel was opened quickly and roles were clear.",
    "Runbooks for {c1} were up to date and saved time.",
    "Customers were informed through the status page within {m} minutes.",
    "The rollback procedure worked as designed once it was started.",
    "Engineers from three teams joined without being asked.",
    "Metrics for {c2} had enough resolution to reconstruct the timeline.",
]
S_WRONG = [
    "The alert that should have caught this had been silenced during an earlier incident.",
    "Nobody knew who owned {c1} at three in the morning.",
    "The staging cluster is much smaller than production, so the problem never showed up there.",
    "The rollback took {m} minutes because it had never been rehearsed.",
    "Two people made conflicting changes to {c2} during the incident.",
    "Our dashboards for `{svc}` aggregate all zones, which hid a single failing zone.",
]
S_GENERIC = [
    "In hindsight, the warning signs were there for weeks.",
    "This is not the first time {c1} has surprised us under load.",
    "The same pattern has been described in several public postmortems.",
    "It is worth noting that the failure mode only appears above a certain scale.",
    "We have since added this scenario to our game day exercises.",
    "The interaction between {c1} and {c2} is subtle and poorly documented upstream.",
    "Several engineers remarked that the logs were too noisy to be useful.",
    "The numbers in this section come from the {metric} graphs exported after the incident.",
    "A similar issue was reported upstream and fixed in {v_new}.",
    "None of this was obvious from the dashboards at the time.",
    "Load on {c2} was about {n} times its usual level during the peak.",
    "We reproduced the failure in a test cluster the following week.",
]

LIST_ITEMS = [
    "Check the {metric} of `{svc}` before and after every change to {c1}.",
    "Page the owning team directly instead of the shared channel.",
    "Keep the last {n} images of every service in the registry.",
    "Add a readiness probe that exercises the dependency on {c2}.",
    "Set explicit timeouts on every client of {c1}.",
    "Review resource limits for `{svc}` every quarter.",
    "Run the upgrade of {c1} in staging with production-sized traffic.",
    "Document the failover procedure for {c2} in the runbook.",
    "Alert on certificate expiry {n} days in advance.",
    "Cap retries with exponential backoff and jitter.",
]

LESSONS = [
    ("Alert on {c1} latency before customers notice it.", ["monitoring"]),
    ("Give every workload a liveness probe and a readiness probe that mean different things.", ["health-checks"]),
    ("Roll out changes to {c1} one zone at a time.", ["change-management"]),
    ("Set resource limits from measured usage, not guesses.", ["capacity"]),
    ("Keep DNS timeouts shorter than the client's request timeout.", ["networking"]),
    ("Rotate certificates well before they expire and alert when rotation fails.", ["security", "monitoring"]),
    ("Test upgrades of {c1} on a staging cluster of production size.", ["testing", "change-management"]),
    ("Practise restores, not only backups.", ["backup"]),
    ("Name an incident commander in the first five minutes.", ["incident-response"]),
    ("Keep every setting of {c1} in version control, defaults included.", ["configuration"]),
    ("Know which third-party webhooks sit in the request path.", ["dependencies"]),
    ("Write the runbook while the incident is fresh.", ["documentation"]),
    ("Dashboards nobody looks at are not monitoring.", ["monitoring"]),
    ("A readiness probe should check the dependencies the pod needs to serve traffic.", ["health-checks", "dependencies"]),
    ("Canary every configuration change, not only code changes.", ["change-management", "configuration"]),
    ("Leave headroom on nodes so that a zone failure does not cascade.", ["capacity"]),
    ("Watch conntrack usage on nodes that run {c2}.", ["networking", "monitoring"]),
    ("Scope RBAC permissions of operators to the namespaces they manage.", ["security", "dependencies"]),
    ("Run chaos experiments against {c2} before production does it for you.", ["testing"]),
    ("Take a snapshot of {c1} before every upgrade.", ["backup", "change-management"]),
    ("Update the status page early, even with little to say.", ["incident-response"]),
    ("Treat Helm values as code: review them and diff them.", ["configuration"]),
    ("Pin the versions of upstream charts and images.", ["dependencies", "change-management"]),
    ("Link every alert to a runbook.", ["documentation", "monitoring"]),
    # Plain lessons: most match theme keywords, a few match none (theme `other`).
    ("Alerts should fire on symptoms that customers feel.", []),
    ("The rollback path deserves as much testing as the rollout.", []),
    ("Quotas on shared clusters need an owner.", []),
    ("Short DNS timeouts hide problems; long ones amplify them.", []),
    ("A secret that cannot be rotated in an hour is a liability.", []),
    ("Staging that differs from production tests the wrong thing.", []),
    ("Replication is not a backup.", []),
    ("Escalation paths must work at night and on weekends.", []),
    ("Every default in {c1} is a decision someone else made for you.", []),
    ("An operator is a dependency with root access.", []),
    ("If the runbook is wrong, the incident takes longer.", []),
    ("Small problems compound when nobody owns the system.", []),
    ("Slow is the new down.", []),
    ("Ask what else changed that day.", []),
    ("Retries without backoff turn a blip into an outage.", []),
    ("Make the safe thing the easy thing for engineers under pressure.", []),
]

ACTION_ITEMS = [
    "Add an alert on the {metric} of {svc}",
    "Upgrade {c1} to {v_new}",
    "Write a runbook for {c2} failover",
    "Scope the admission webhook to the namespaces that need it",
    "Raise the node pool minimum in {region}",
    "Automate certificate renewal checks",
    "Add a load test for {svc} to the release pipeline",
    "Remove the silenced alert rules",
    "Set explicit timeouts in the {c1} client",
    "Rehearse the rollback of {c1} in staging",
]
ACTION_STATUSES = ["open", "in-progress", "done", "wont-do"]

SECTION_KINDS = [
    # (heading, sentence pool, always included)
    ("Summary", S_SUMMARY, True),
    ("Background", S_BACKGROUND, False),
    ("What happened", S_WHAT, True),
    ("Detection", S_DETECT, False),
    ("Root cause", S_ROOT, True),
    ("Resolution", S_RESOLVE, True),
    ("What went well", S_WELL, False),
    ("What went wrong", S_WRONG, False),
    ("Follow-up", LIST_ITEMS, False),
]

# --- code blocks: parameterised so that most blocks are distinct --------------------

CODE_YAML = [
    """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {svc}
  namespace: {ns}
spec:
  replicas: {n}
  selector:
    matchLabels:
      app: {svc}
  template:
    metadata:
      labels:
        app: {svc}
    spec:
      containers:
        - name: {svc}
          image: registry.example.com/{svc}:{v_new}
          resources:
            requests:
              cpu: {cpu}m
              memory: {mem}Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
            periodSeconds: {n2}""",
    """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {svc}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {svc}
  minReplicas: {n}
  maxReplicas: {n3}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {pct}""",
    """apiVersion: v1
kind: ConfigMap
metadata:
  name: {svc}-config
  namespace: {ns}
data:
  UPSTREAM_TIMEOUT: "{n2}s"
  MAX_RETRIES: "{n}"
  POOL_SIZE: "{n3}"
  LOG_LEVEL: info
  FEATURE_FLAGS: "batching,compression"
# The value that caused the incident was MAX_RETRIES, raised from 1 to {n}.""",
    """groups:
  - name: {svc}
    rules:
      - alert: HighErrorRate
        expr: sum(rate(http_requests_total{{job="{svc}",code=~"5.."}}[5m])) / sum(rate(http_requests_total{{job="{svc}"}}[5m])) > 0.0{n}
        for: {n2}m
        labels:
          severity: page
        annotations:
          summary: "{svc} is failing more than {n}% of requests"
          runbook: https://runbooks.example.com/{svc}""",
]
CODE_BASH = [
    """kubectl -n {ns} get pods -l app={svc} -o wide
kubectl -n {ns} describe pod {svc}-{hash} | tail -n 20
kubectl -n {ns} logs deploy/{svc} --since={m}m | grep -c 'deadline exceeded'
kubectl -n {ns} rollout undo deploy/{svc} --to-revision={n}""",
    """# Check certificate expiry on every node
for node in $(kubectl get nodes -o name); do
  echo "$node"
  kubectl debug "$node" -it --image=busybox -- \\
    sh -c 'openssl x509 -enddate -noout -in /host/var/lib/kubelet/pki/kubelet.crt'
done""",
    """ETCDCTL_API=3 etcdctl --endpoints=https://10.0.{n}.{n2}:2379 \\
  --cacert=/etc/kubernetes/pki/etcd/ca.crt \\
  --cert=/etc/kubernetes/pki/etcd/server.crt \\
  --key=/etc/kubernetes/pki/etcd/server.key \\
  endpoint status --write-out=table
etcdctl defrag --cluster
etcdctl alarm list""",
    """# How many conntrack entries are in use on the busiest nodes?
for n in $(kubectl get nodes -l pool={ns} -o jsonpath='{{.items[*].metadata.name}}'); do
  ssh "$n" 'cat /proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max'
done | paste - - | awk '$1 / $2 > 0.{pct_digit} {{ print "near the limit:", $0 }}'""",
]
CODE_GO = [
    """func callWithRetry(ctx context.Context, c *http.Client, url string) (*http.Response, error) {{
	backoff := {n2}0 * time.Millisecond
	for attempt := 0; attempt < {n}; attempt++ {{
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {{
			return nil, err
		}}
		resp, err := c.Do(req)
		if err == nil && resp.StatusCode < 500 {{
			return resp, nil
		}}
		select {{
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(backoff + time.Duration(rand.Int63n(int64(backoff)))):
		}}
		backoff *= 2
	}}
	return nil, fmt.Errorf("{svc}: giving up after %d attempts", {n})
}}""",
    """// The pool never dropped broken connections: this is the fix.
func (p *Pool) Get(ctx context.Context) (*Conn, error) {{
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.idle) > 0 {{
		c := p.idle[len(p.idle)-1]
		p.idle = p.idle[:len(p.idle)-1]
		if time.Since(c.lastUsed) < {n2}*time.Second && c.Healthy() {{
			return c, nil
		}}
		c.Close()
	}}
	if p.open >= {n3} {{
		return nil, ErrPoolExhausted
	}}
	p.open++
	return p.dial(ctx)
}}""",
    """var resolverTimeout = {n2}00 * time.Millisecond

func lookup(ctx context.Context, host string) ([]string, error) {{
	ctx, cancel := context.WithTimeout(ctx, resolverTimeout)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, host)
	if err != nil {{
		dnsErrors.WithLabelValues("{svc}").Inc()
		return nil, fmt.Errorf("lookup %s: %w", host, err)
	}}
	return addrs, nil
}}""",
]
CODE_JSON = [
    """{{
  "level": "error",
  "ts": "{ts}",
  "service": "{svc}",
  "namespace": "{ns}",
  "msg": "upstream request failed",
  "upstream": "{c1}",
  "error": "context deadline exceeded",
  "attempt": {n},
  "latency_ms": {n3}{n2}
}}""",
    """{{
  "kind": "Status",
  "apiVersion": "v1",
  "status": "Failure",
  "message": "Internal error occurred: failed calling webhook \\"validate.{svc}.example.com\\": context deadline exceeded",
  "reason": "InternalError",
  "code": 500
}}""",
    """{{
  "dashboard": "{svc}",
  "window": "{t0}/{t1}",
  "series": [
    {{"metric": "error_rate", "peak": 0.{pct}, "unit": "ratio"}},
    {{"metric": "p99_latency", "peak": {n3}{n2}, "unit": "ms"}},
    {{"metric": "replicas", "peak": {n3}, "unit": "count"}}
  ]
}}""",
]
CODE = {"yaml": CODE_YAML, "bash": CODE_BASH, "go": CODE_GO, "json": CODE_JSON}
CODE_LANGS = ["yaml", "bash", "go", "json"]

# --------------------------------------------------------------------------
# One incident
# --------------------------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
DAY0 = datetime(2015, 1, 1, tzinfo=timezone.utc)
DAYS = (datetime(2025, 12, 31, tzinfo=timezone.utc) - DAY0).days


def slugify(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def rfc3339(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:00Z")


def q(s: str) -> str:
    """A double-quoted scalar valid in YAML 1.2, YAML 1.1 and TOML alike."""
    return json.dumps(s, ensure_ascii=False)


def qlist(items: list[str]) -> str:
    return "[" + ", ".join(q(x) for x in items) + "]"


def weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    r = rng.randrange(total)
    for v, w in pairs:
        if r < w:
            return v
        r -= w
    raise AssertionError


# --------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------

# Extra vocabulary for the "zipf" shape: a larger company's library, where a few
# components are in a large share of incidents and most are in few.
EXTRA_THEMES = [
    ("data-integrity", "Data integrity",
     ["corruption", "corrupted", "integrity", "checksum", "checksums", "consistency"]),
    ("cost", "Cost and spend", ["cost", "costs", "spend", "billing", "budget"]),
    ("automation", "Automation and toil",
     ["automation", "automate", "automated", "toil", "script", "scripts"]),
    ("ownership", "Ownership and on-call load", ["owner", "owners", "ownership", "handover"]),
    ("scheduling", "Scheduling and placement",
     ["scheduler", "scheduling", "affinity", "taint", "taints", "placement", "zone"]),
    ("storage", "Storage and volumes",
     ["storage", "volume", "volumes", "pvc", "csi", "filesystem"]),
    ("queues", "Queues and streaming",
     ["queue", "queues", "kafka", "consumer", "consumers", "backlog", "stream"]),
    ("caching", "Caching", ["cache", "caches", "caching", "ttl", "eviction"]),
    ("time", "Time and clocks", ["clock", "clocks", "ntp", "skew", "leap second"]),
    ("retries", "Retries and backoff", ["retry", "retries", "backoff", "jitter", "idempotent"]),
    ("identity", "Identity and tokens", ["token", "tokens", "oidc", "identity", "sso", "login"]),
    ("regions", "Regions and failover", ["region", "regions", "failover", "multi-region"]),
    ("databases", "Databases and schemas",
     ["database", "databases", "schema", "schemas", "query", "queries", "index"]),
]
_SVC_A = [
    "ledger", "billing", "search", "catalog", "checkout", "identity", "media", "ingest",
    "report", "pricing", "fraud", "session", "notify", "geo", "stock", "payout", "quote",
    "audit", "profile", "feed",
]
_SVC_B = ["api", "worker", "gateway", "store", "indexer", "scheduler", "proxy", "cache",
          "sync", "exporter", "router", "broker"]


class Shape:
    """The vocabulary a corpus draws from, and how it draws components."""

    def __init__(self, name: str):
        self.name = name
        if name == "uniform":
            self.components = COMPONENTS
            self.organizations = ORGANIZATIONS
            self.tags = TAGS
            self.themes = THEMES
            self.words = (600, 1320)
            self.cum = None
        elif name == "zipf":
            # 300 components: the named ones first, then services. Rank k is drawn with
            # weight 1 / k^0.78, which puts the first in about 27% of the incidents.
            extra = [f"{a}-{b}" for a in _SVC_A for b in _SVC_B]
            random.Random("debrief-corpus-services").shuffle(extra)
            self.components = COMPONENTS + extra[: 300 - len(COMPONENTS)]
            prefixes = ORG_PREFIXES + [
                "Aldergate", "Bramble", "Cobalt", "Driftwood", "Emberly", "Fairhaven",
                "Gullwing", "Hollow Oak", "Juniper", "Kestrel", "Larkspur", "Moorland",
                "Nettle", "Oakmont",
            ]
            orgs = [f"{p} {x}" for p in prefixes for x in ORG_SUFFIXES]
            random.Random("debrief-corpus-orgs-zipf").shuffle(orgs)
            self.organizations = orgs[:200]
            self.tags = TAGS[:40]
            self.themes = THEMES + EXTRA_THEMES
            self.words = (760, 1360)
            total, cum = 0.0, []
            for k in range(len(self.components)):
                total += 1.0 / (k + 1) ** 0.78
                cum.append(total)
            self.cum = cum
        else:
            raise ValueError(name)
        self.keywords = theme_keywords(self.themes)
        self.theme_keys = [key for key, _l, _k in self.themes]

    def pick_components(self, rng: random.Random, k: int) -> list[str]:
        if self.cum is None:
            return rng.sample(self.components, k)
        picked: list[str] = []
        while len(picked) < k:
            c = rng.choices(self.components, cum_weights=self.cum)[0]
            if c not in picked:
                picked.append(c)
        return picked


class Incident:
    __slots__ = (
        "slug", "title", "date", "year", "severity", "organization", "summary", "impact",
        "components", "tags", "lessons", "action_items", "started", "detected", "resolved",
        "body", "words", "code_langs",
    )


def make_incident(seed: int, i: int, shape: Shape) -> Incident:
    rng = random.Random(f"debrief-corpus:{seed}:{i}")
    inc = Incident()
    day = DAY0 + timedelta(days=rng.randrange(DAYS + 1))
    started = day + timedelta(minutes=rng.randrange(24 * 60))
    detected = started + timedelta(minutes=rng.randrange(0, 180))
    resolved = detected + timedelta(minutes=rng.randrange(5, 24 * 60))
    comps = shape.pick_components(rng, rng.randint(1, 6))
    others = [c for c in shape.components if c not in comps]
    c1 = comps[0]
    c2 = comps[1] if len(comps) > 1 else others[rng.randrange(len(others))]
    c3 = comps[2] if len(comps) > 2 else others[rng.randrange(len(others))]
    problem = rng.choice(TITLE_PROBLEMS)
    consequence = rng.choice(TITLE_CONSEQUENCES)
    n = rng.randint(2, 9)
    major = rng.randint(1, 3)
    minor = rng.randint(0, 30)
    v = {
        "c1": c1, "c2": c2, "c3": c3,
        "problem": problem, "problem_cap": problem[0].upper() + problem[1:],
        "org": "", "svc": rng.choice(SERVICES), "ns": rng.choice(NAMESPACES),
        "region": rng.choice(REGIONS), "metric": rng.choice(METRICS),
        "n": n, "n2": rng.randint(2, 9), "n3": rng.randint(10, 60),
        "m": rng.randint(4, 180), "h": rng.randint(2, 12), "pct": rng.randint(10, 95),
        "pct_digit": rng.randint(5, 9),
        "cpu": rng.choice([100, 250, 500, 1000]), "mem": rng.choice([128, 256, 512, 1024]),
        "v_old": f"{major}.{minor}.{rng.randint(0, 9)}",
        "v_new": f"{major}.{minor + 1}.{rng.randint(0, 9)}",
        "year": day.year - rng.randint(2, 6),
        "hash": "%05x" % rng.randrange(16 ** 5),
        "date": f"{MONTHS[day.month - 1]} {day.day}, {day.year}",  # not strftime: locale
        "t0": started.strftime("%H:%M"), "t1": resolved.strftime("%H:%M"),
        "ts": rfc3339(started),
    }
    v["consequence"] = consequence.format(**v)
    v["consequence_past"], v["consequence_pp"] = _past(v["consequence"])
    org = rng.choice(shape.organizations)
    v["org"] = org

    # The form naming two components is used only when the incident has two.
    inc.title = rng.choice(TITLE_FORMS if len(comps) > 1 else TITLE_FORMS[:-1]).format(**v)
    inc.slug = f"{slugify(inc.title)[:60].strip('-')}-{i:05d}"
    inc.date = day.strftime("%Y-%m-%d")
    inc.year = day.year
    inc.severity = weighted(rng, SEVERITIES)
    inc.organization = org
    inc.summary = rng.choice(SUMMARIES).format(**v)
    inc.impact = rng.choice(IMPACTS).format(**v)
    inc.components = comps
    inc.tags = rng.sample(shape.tags, rng.randint(1, 4))
    inc.started, inc.detected, inc.resolved = rfc3339(started), rfc3339(detected), rfc3339(resolved)

    # Lessons: (text, named themes or None, effective themes)
    lessons = []
    for text, named in rng.sample(LESSONS, rng.randint(2, 7)):
        text = text.format(**v)
        if named and shape.name == "zipf" and rng.random() < 0.5:
            # Spread named lessons over every theme of the larger vocabulary.
            named = [rng.choice(shape.theme_keys)]
        if named and rng.random() < 0.7:
            lessons.append((text, named, named))
        else:
            lessons.append((text, None, themes_for(text, shape.keywords)))
    inc.lessons = lessons

    items = []
    for text in rng.sample(ACTION_ITEMS, rng.randint(0, 3)):
        item = {"text": text.format(**v), "owner": rng.choice(TEAMS),
                "status": rng.choice(ACTION_STATUSES)}
        if rng.random() < 0.5:
            item["due"] = (day + timedelta(days=rng.randint(7, 90))).strftime("%Y-%m-%d")
        items.append(item)
    inc.action_items = items

    inc.body, inc.words, inc.code_langs = make_body(rng, v, inc, shape.words)
    return inc


_PAST = {"takes": ("took", "taken"), "breaks": ("broke", "broken"),
         "freezes": ("froze", "frozen"), "loses": ("lost", "lost"),
         "drops": ("dropped", "dropped")}


def _past(consequence: str) -> tuple[str, str]:
    """(simple past, past participle) of a consequence such as "takes down checkout"."""
    verb, _, rest = consequence.partition(" ")
    if verb in _PAST:
        past, pp = _PAST[verb]
    else:
        stem = verb[:-1]  # "stalls" -> "stall", "causes" -> "cause"
        if verb.endswith("ies"):
            past = verb[:-3] + "ied"
        elif stem.endswith("e"):
            past = stem + "d"
        else:
            past = stem + "ed"
        pp = past
    return f"{past} {rest}", f"{pp} {rest}"


class Decks:
    """Per-incident sentence decks: each pool is dealt without repetition until it is
    exhausted, then reshuffled, so an incident repeats a sentence only when it needs more
    sentences than the pool has."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.decks: dict[int, list[str]] = {}

    def draw(self, pool: list[str]) -> str:
        deck = self.decks.get(id(pool))
        if not deck:
            deck = list(pool)
            self.rng.shuffle(deck)
            self.decks[id(pool)] = deck
        return deck.pop()


def paragraph(rng: random.Random, decks: Decks, pool, v) -> str:
    # Numbers vary from paragraph to paragraph; names (components, service) do not.
    pv = dict(v)
    pv["n"] = rng.randint(2, 9)
    pv["m"] = rng.randint(4, 180)
    pv["pct"] = rng.randint(10, 95)
    pv["metric"] = rng.choice(METRICS)
    picks = [decks.draw(pool) for _ in range(rng.randint(2, 5))]
    picks.insert(rng.randint(0, len(picks)), decks.draw(S_GENERIC))
    return " ".join(s.format(**pv) for s in picks)


def code_block(rng: random.Random, v) -> tuple[str, str]:
    lang = rng.choice(CODE_LANGS)
    text = rng.choice(CODE[lang]).format(**v)
    return lang, f"```{lang}\n{text}\n```"


def timeline_table(rng: random.Random, v, inc) -> str:
    t = datetime.strptime(inc.started, "%Y-%m-%dT%H:%M:00Z")
    rows = ["| Time (UTC) | Event |", "|---|---|"]
    events = [
        f"First errors from `{v['svc']}`",
        f"Alert on the {v['metric']} fires",
        "On-call engineer acknowledges the page",
        "Incident declared, channel opened",
        f"{v['c1']} identified as the likely cause",
        "Mitigation applied",
        "Error rates back to normal",
        "Incident closed",
    ]
    for e in events[: rng.randint(4, len(events))]:
        rows.append(f"| {t.strftime('%H:%M')} | {e} |")
        t += timedelta(minutes=rng.randint(2, 40))
    return "\n".join(rows)


def make_body(rng: random.Random, v, inc, words_range) -> tuple[str, int, list[str]]:
    target = rng.randint(*words_range)
    decks = Decks(rng)
    sections = []  # [heading, [blocks]]
    for heading, pool, always in SECTION_KINDS:
        if always or rng.random() < 0.6:
            sections.append([heading, pool, []])
    # First pass: one paragraph per section (a list for Follow-up).
    for sec in sections:
        if sec[1] is LIST_ITEMS:
            items = rng.sample(LIST_ITEMS, rng.randint(3, 6))
            sec[2].append("\n".join(("- " + s.format(**v)) for s in items))
        else:
            sec[2].append(paragraph(rng, decks, sec[1], v))
    # Timeline table, sometimes (in "What happened").
    what = next(s for s in sections if s[0] == "What happened")
    if rng.random() < 0.4:
        what[2].append(timeline_table(rng, v, inc))
    # 1-2 code blocks: in "What happened", "Root cause" or "Resolution".
    langs = []
    hosts = [s for s in sections if s[0] in ("What happened", "Root cause", "Resolution")]
    for _ in range(rng.randint(1, 2)):
        lang, block = code_block(rng, v)
        host = rng.choice(hosts)
        intro = (paragraph(rng, decks, host[1], v) if rng.random() < 0.5 else
                 "The relevant part looked like this:")
        host[2].append(intro + "\n\n" + block)  # one block: nothing is inserted between
        langs.append(lang)

    def words() -> int:
        return sum(len(b.split()) for s in sections for b in s[2]) + sum(
            len(s[0].split()) + 1 for s in sections)

    prose = [s for s in sections if s[1] is not LIST_ITEMS]
    w = words()
    while w < target:
        sec = rng.choice(prose)
        para = paragraph(rng, decks, sec[1], v)
        # Insert before a trailing code block sometimes, else append.
        sec[2].insert(rng.randint(1, len(sec[2])), para)
        w += len(para.split())
    out = []
    for heading, _pool, blocks in sections:
        out.append(f"## {heading}")
        out.extend(blocks)
    body = "\n\n".join(out) + "\n"
    return body, words(), langs


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------

def debrief_page(inc: Incident) -> str:
    fm = [
        "---",
        f"title: {q(inc.title)}",
        f"date: {inc.date}",
        f"severity: {inc.severity}",
        f"organization: {q(inc.organization)}",
        f"summary: {q(inc.summary)}",
        f"impact: {q(inc.impact)}",
        f"components: {qlist(inc.components)}",
        f"tags: {qlist(inc.tags)}",
        f"started: {q(inc.started)}",
        f"detected: {q(inc.detected)}",
        f"resolved: {q(inc.resolved)}",
        "lessons:",
    ]
    for text, named, _eff in inc.lessons:
        if named:
            fm.append(f"  - text: {q(text)}")
            fm.append(f"    themes: {qlist(named)}")
        else:
            fm.append(f"  - {q(text)}")
    if inc.action_items:
        fm.append("action_items:")
        for it in inc.action_items:
            fm.append(f"  - text: {q(it['text'])}")
            fm.append(f"    owner: {q(it['owner'])}")
            fm.append(f"    status: {it['status']}")
            if "due" in it:
                fm.append(f"    due: {q(it['due'])}")
    fm.append("---")
    return "\n".join(fm) + "\n" + inc.body


def lesson_theme_terms(inc: Incident) -> list[str]:
    seen = []
    for _t, _n, eff in inc.lessons:
        for k in eff:
            if k not in seen:
                seen.append(k)
    return seen


def hugo_page(inc: Incident) -> str:
    fm = [
        "---",
        f"title: {q(inc.title)}",
        f"date: {inc.date}",
        f"summary: {q(inc.summary)}",
        f"impact: {q(inc.impact)}",
        f"started: {q(inc.started)}",
        f"detected: {q(inc.detected)}",
        f"resolved: {q(inc.resolved)}",
        "# taxonomies (hugo.toml): severity, components, tags, organizations, lessons (themes)",
        f"severity: {qlist([inc.severity])}",
        f"organizations: {qlist([inc.organization])}",
        f"components: {qlist(inc.components)}",
        f"tags: {qlist(inc.tags)}",
        f"lessons: {qlist(lesson_theme_terms(inc))}",
        "lesson_items:",
    ]
    for text, _named, eff in inc.lessons:
        fm.append(f"  - text: {q(text)}")
        fm.append(f"    themes: {qlist(eff)}")
    if inc.action_items:
        fm.append("action_items:")
        for it in inc.action_items:
            fm.append(f"  - text: {q(it['text'])}")
            fm.append(f"    owner: {q(it['owner'])}")
            fm.append(f"    status: {q(it['status'])}")
            if "due" in it:
                fm.append(f"    due: {q(it['due'])}")
    fm.append("---")
    return "\n".join(fm) + "\n" + inc.body


def _toml_inline(d: dict) -> str:
    parts = []
    for k, val in d.items():
        parts.append(f"{k} = {qlist(val) if isinstance(val, list) else q(val)}")
    return "{ " + ", ".join(parts) + " }"


def zola_page(inc: Incident) -> str:
    fm = [
        "+++",
        f"title = {q(inc.title)}",
        f"date = {inc.date}",
        f"description = {q(inc.summary)}",
        "",
        "[taxonomies]",
        f"severity = {qlist([inc.severity])}",
        f"organizations = {qlist([inc.organization])}",
        f"components = {qlist(inc.components)}",
        f"tags = {qlist(inc.tags)}",
        f"lessons = {qlist(lesson_theme_terms(inc))}",
        "",
        "[extra]",
        f"impact = {q(inc.impact)}",
        f"started = {q(inc.started)}",
        f"detected = {q(inc.detected)}",
        f"resolved = {q(inc.resolved)}",
        "lesson_items = [",
    ]
    for text, _named, eff in inc.lessons:
        fm.append(f"  {_toml_inline({'text': text, 'themes': eff})},")
    fm.append("]")
    fm.append("action_items = [")
    for it in inc.action_items:
        fm.append(f"  {_toml_inline(it)},")
    fm.append("]")
    fm.append("+++")
    return "\n".join(fm) + "\n" + inc.body


# --- static site files --------------------------------------------------------------

SITE_TITLE = "Synthetic Incident Library"
BASE_URL = "https://example.com/"

STYLE_CSS = """body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 0 auto; padding: 1rem; }
nav a { margin-right: 1rem; }
.sev { font-size: .8rem; padding: 0 .3rem; border-radius: .2rem; background: #eee; }
.sev-production .sev { background: #c0392b; color: #fff; }
.sev-non-prod .sev { background: #e67e22; color: #fff; }
pre { overflow-x: auto; padding: .6rem; background: #f6f8fa; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2rem .5rem; }
"""


def debrief_config(shape: Shape) -> str:
    lines = [
        "# Written by scripts/corpus.py: a synthetic library for the build-time comparison.",
        f"title = {q(SITE_TITLE)}",
        'description = "Synthetic postmortems for benchmarking."',
        f"base_url = {q(BASE_URL)}",
        'language = "en"',
        'timezone = "UTC"',
        "",
        "# The default severities (production, non-prod, minor) are used.",
        "# The lesson themes are spelled out so that the Hugo and Zola sites, whose themes",
        "# the generator computes with the same keyword rule, get exactly the same ones.",
    ]
    for key, label, kws in shape.themes:
        lines += ["", "[[lesson_themes]]", f"key = {q(key)}", f"label = {q(label)}",
                  f"keywords = {qlist(kws)}"]
    return "\n".join(lines) + "\n"


HUGO_CONFIG = f"""# Written by scripts/corpus.py: the Hugo twin of the Debrief site.
baseURL = {q(BASE_URL)}
title = {q(SITE_TITLE)}
enableRobotsTXT = false
disableHugoGeneratorInject = true

# key = singular, value = plural (the front-matter key and the URL segment).
# "theme" is the lesson theme; its URL is /lessons/<theme>/ as in Debrief.
[taxonomies]
  severity = "severity"
  component = "components"
  tag = "tags"
  theme = "lessons"
  organization = "organizations"

# Like Debrief: one feed (the 50 newest incidents), no feed per section or term.
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]

[services.rss]
  limit = 50

[markup]
  [markup.highlight]
    # Chroma with CSS classes (Debrief highlights with classes too).
    codeFences = true
    noClasses = false
    guessSyntax = false
  [markup.goldmark.renderer]
    unsafe = false
  [markup.goldmark.extensions]
    # Debrief: CommonMark + tables, footnotes, strikethrough, task lists; no autolinks.
    # No smart punctuation (Debrief has none). A bool here: Hugo >= 0.112 reads
    # `typographer = false` as `[typographer] disable = true`.
    typographer = false
    linkify = false
    definitionList = false
"""

HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} · {{ .Site.Title }}{{ end }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<nav><a href="{{ "" | relURL }}">{{ .Site.Title }}</a>
<a href="{{ "incidents/" | relURL }}">Incidents</a>
<a href="{{ "components/" | relURL }}">Components</a>
<a href="{{ "lessons/" | relURL }}">Lessons</a>
<a href="{{ "tags/" | relURL }}">Tags</a>
<a href="{{ "organizations/" | relURL }}">Organizations</a></nav>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
""",
    "partials/row.html": """<li class="incident sev-{{ index .Params.severity 0 }}">
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time>
<span class="sev">{{ index .Params.severity 0 }}</span>
<a href="{{ .RelPermalink }}">{{ .Title }}</a>
<span class="org">{{ index .Params.organizations 0 }}</span>
<span class="components">{{ delimit .Params.components ", " }}</span>
<p>{{ .Params.summary }}</p>
</li>
""",
    "index.html": """{{ define "main" }}<h1>{{ .Site.Title }}</h1>
<ul class="incidents">
{{ range (where .Site.RegularPages "Section" "incidents").ByDate.Reverse }}{{ partial "row.html" . }}{{ end }}
</ul>
{{ end }}
""",
    # One list template for sections, taxonomies and terms, switching on .Kind: Hugo
    # before and after its 0.146 template system disagree on which of taxonomy.html and
    # term.html renders a term page, and both fall back to _default/list.html.
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ if eq .Kind "taxonomy" }}<ul class="terms">
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ else }}<ul class="incidents">
{{ range .Pages.ByDate.Reverse }}{{ partial "row.html" . }}{{ end }}
</ul>
{{ if and (eq .Kind "term") (eq .Data.Plural "lessons") }}{{ $term := .Data.Term }}<h2>Lessons</h2>
<ul class="lessons">
{{ range .Pages.ByDate.Reverse }}{{ $p := . }}{{ range .Params.lesson_items }}{{ if in .themes $term }}<li>{{ .text }} (<a href="{{ $p.RelPermalink }}">{{ $p.Title }}</a>)</li>
{{ end }}{{ end }}{{ end }}</ul>{{ end }}
{{ end }}
{{ end }}
""",
    "_default/single.html": """{{ define "main" }}<article class="sev-{{ index .Params.severity 0 }}">
<h1>{{ .Title }}</h1>
{{ $started := time .Params.started }}
<dl>
<dt>Date</dt><dd><time>{{ .Date.Format "2006-01-02" }}</time></dd>
<dt>Severity</dt><dd>{{ range .GetTerms "severity" }}<a class="sev" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>
<dt>Organization</dt><dd>{{ range .GetTerms "organizations" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>
<dt>Impact</dt><dd>{{ .Params.impact }}</dd>
<dt>Time to detect</dt><dd>{{ with .Params.detected }}{{ int ((time .).Sub $started).Minutes }} min{{ end }}</dd>
<dt>Time to resolve</dt><dd>{{ with .Params.resolved }}{{ int ((time .).Sub $started).Minutes }} min{{ end }}</dd>
<dt>Components</dt><dd>{{ range .GetTerms "components" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd>
<dt>Tags</dt><dd>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd>
</dl>
<div class="body">
{{ .Content }}
</div>
<h2>Lessons</h2>
<ul class="lessons">
{{ range .Params.lesson_items }}<li>{{ .text }}{{ range .themes }} <a class="theme" href="{{ printf "lessons/%s/" . | relURL }}">{{ . }}</a>{{ end }}</li>
{{ end }}</ul>
{{ with .Params.action_items }}<h2>Action items</h2>
<ul class="actions">
{{ range . }}<li class="status-{{ .status }}">{{ .text }}{{ with .owner }} ({{ . }}){{ end }}{{ with .due }}, due {{ . }}{{ end }}</li>
{{ end }}</ul>{{ end }}
</article>
{{ end }}
""",
    "404.html": """{{ define "main" }}<h1>Not found</h1><p><a href="{{ "" | relURL }}">Back to the library</a></p>{{ end }}
""",
}

ZOLA_TAXONOMIES = """taxonomies = [
    { name = "severity" },
    { name = "components" },
    { name = "tags" },
    { name = "lessons" },
    { name = "organizations" },
]"""

ZOLA_CONFIG = f"""# Written by scripts/corpus.py: the Zola twin of the Debrief site.
# For Zola >= 0.22, whose highlighter is Giallo: highlighting is on when the
# [markdown.highlighting] table is present (the 0.21 keys `highlight_code` and
# `highlight_theme` are rejected); `style = "class"` emits CSS classes like Debrief and
# Hugo (noClasses = false). config.legacy.toml is the same site for Zola 0.19-0.21.
base_url = {q(BASE_URL)}
title = {q(SITE_TITLE)}
default_language = "en"
compile_sass = false
build_search_index = false
generate_sitemap = true
generate_robots_txt = false
# Like Debrief: one Atom feed of the 50 newest incidents, none per term.
generate_feeds = true
feed_filenames = ["atom.xml"]
feed_limit = 50
{ZOLA_TAXONOMIES}

[markdown]
smart_punctuation = false

[markdown.highlighting]
style = "class"
theme = "github-dark-default"
"""

ZOLA_CONFIG_LEGACY = f"""# Written by scripts/corpus.py: the Zola twin of the Debrief site, for Zola 0.19-0.21
# (syntect highlighter). `highlight_theme = "css"` emits CSS classes instead of inline
# styles. scripts/bench passes this file with --config when `zola --version` < 0.22.
base_url = {q(BASE_URL)}
title = {q(SITE_TITLE)}
default_language = "en"
compile_sass = false
build_search_index = false
generate_feeds = true
feed_filenames = ["atom.xml"]
feed_limit = 50
{ZOLA_TAXONOMIES}

[markdown]
highlight_code = true
highlight_theme = "css"
smart_punctuation = false
"""

ZOLA_TEMPLATES = {
    "base.html": """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<link rel="stylesheet" href="{{ get_url(path='style.css') }}">
</head>
<body>
<nav><a href="{{ get_url(path='/') }}">{{ config.title }}</a>
<a href="{{ get_url(path='/incidents/') }}">Incidents</a>
<a href="{{ get_url(path='/components/') }}">Components</a>
<a href="{{ get_url(path='/lessons/') }}">Lessons</a>
<a href="{{ get_url(path='/tags/') }}">Tags</a>
<a href="{{ get_url(path='/organizations/') }}">Organizations</a></nav>
<main>
{% block main %}{% endblock main %}
</main>
</body>
</html>
""",
    "macros.html": """{% macro row(page) %}<li class="incident sev-{{ page.taxonomies.severity | first }}">
<time datetime="{{ page.date }}">{{ page.date }}</time>
<span class="sev">{{ page.taxonomies.severity | first }}</span>
<a href="{{ page.path }}">{{ page.title }}</a>
<span class="org">{{ page.taxonomies.organizations | first }}</span>
<span class="components">{{ page.taxonomies.components | join(sep=", ") }}</span>
<p>{{ page.description }}</p>
</li>
{% endmacro row %}
""",
    "index.html": """{% extends "base.html" %}
{% import "macros.html" as m %}
{% block main %}<h1>{{ config.title }}</h1>
<ul class="incidents">
{% for page in section.pages %}{{ m::row(page=page) }}{% endfor %}
</ul>
{% endblock main %}
""",
    "section.html": """{% extends "base.html" %}
{% import "macros.html" as m %}
{% block title %}{{ section.title }} · {{ config.title }}{% endblock title %}
{% block main %}<h1>{{ section.title }}</h1>
<ul class="incidents">
{% for page in section.pages %}{{ m::row(page=page) }}{% endfor %}
</ul>
{% endblock main %}
""",
    "page.html": """{% extends "base.html" %}
{% block title %}{{ page.title }} · {{ config.title }}{% endblock title %}
{% block main %}<article class="sev-{{ page.taxonomies.severity | first }}">
<h1>{{ page.title }}</h1>
{% set started = page.extra.started | date(format="%s") | int %}
<dl>
<dt>Date</dt><dd><time>{{ page.date }}</time></dd>
<dt>Severity</dt><dd>{% for t in page.taxonomies.severity %}<a class="sev" href="{{ get_taxonomy_url(kind='severity', name=t) }}">{{ t }}</a>{% endfor %}</dd>
<dt>Organization</dt><dd>{% for t in page.taxonomies.organizations %}<a href="{{ get_taxonomy_url(kind='organizations', name=t) }}">{{ t }}</a>{% endfor %}</dd>
<dt>Impact</dt><dd>{{ page.extra.impact }}</dd>
<dt>Time to detect</dt><dd>{% if page.extra.detected %}{% set d = page.extra.detected | date(format="%s") | int %}{% set ttd = (d - started) / 60 %}{{ ttd | int }} min{% endif %}</dd>
<dt>Time to resolve</dt><dd>{% if page.extra.resolved %}{% set r = page.extra.resolved | date(format="%s") | int %}{% set ttr = (r - started) / 60 %}{{ ttr | int }} min{% endif %}</dd>
<dt>Components</dt><dd>{% for t in page.taxonomies.components %}<a href="{{ get_taxonomy_url(kind='components', name=t) }}">{{ t }}</a> {% endfor %}</dd>
<dt>Tags</dt><dd>{% for t in page.taxonomies.tags %}<a href="{{ get_taxonomy_url(kind='tags', name=t) }}">{{ t }}</a> {% endfor %}</dd>
</dl>
<div class="body">
{{ page.content | safe }}
</div>
<h2>Lessons</h2>
<ul class="lessons">
{% for l in page.extra.lesson_items %}<li>{{ l.text }}{% for t in l.themes %} <a class="theme" href="{{ get_taxonomy_url(kind='lessons', name=t) }}">{{ t }}</a>{% endfor %}</li>
{% endfor %}</ul>
{% if page.extra.action_items %}<h2>Action items</h2>
<ul class="actions">
{% for a in page.extra.action_items %}<li class="status-{{ a.status }}">{{ a.text }}{% if a.owner %} ({{ a.owner }}){% endif %}{% if a.due %}, due {{ a.due }}{% endif %}</li>
{% endfor %}</ul>{% endif %}
</article>
{% endblock main %}
""",
    "taxonomy_list.html": """{% extends "base.html" %}
{% block title %}{{ taxonomy.name }} · {{ config.title }}{% endblock title %}
{% block main %}<h1>{{ taxonomy.name }}</h1>
<ul class="terms">
{% for term in terms %}<li><a href="{{ term.path }}">{{ term.name }}</a> ({{ term.pages | length }})</li>
{% endfor %}</ul>
{% endblock main %}
""",
    "taxonomy_single.html": """{% extends "base.html" %}
{% import "macros.html" as m %}
{% block title %}{{ term.name }} · {{ config.title }}{% endblock title %}
{% block main %}<h1>{{ term.name }}</h1>
<ul class="incidents">
{% for page in term.pages %}{{ m::row(page=page) }}{% endfor %}
</ul>
{% if taxonomy.name == "lessons" %}<h2>Lessons</h2>
<ul class="lessons">
{% for page in term.pages %}{% for l in page.extra.lesson_items %}{% if term.name in l.themes %}<li>{{ l.text }} (<a href="{{ page.path }}">{{ page.title }}</a>)</li>
{% endif %}{% endfor %}{% endfor %}</ul>{% endif %}
{% endblock main %}
""",
    "404.html": """{% extends "base.html" %}
{% block main %}<h1>Not found</h1><p><a href="{{ get_url(path='/') }}">Back to the library</a></p>{% endblock main %}
""",
}

ZOLA_ROOT_INDEX = """+++
title = "Synthetic Incident Library"
sort_by = "date"
+++
"""
# transparent: the incidents also belong to the home section, so index.html lists every
# incident from `section.pages` (as Hugo's home lists .Site.RegularPages).
ZOLA_INCIDENTS_INDEX = """+++
title = "Incidents"
sort_by = "date"
transparent = true
+++
"""


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, required=True, help="number of incidents")
    ap.add_argument("--out", required=True, help="output folder (replaced if it exists)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--only", choices=["debrief", "hugo", "zola"], action="append",
                    help="write only this site (repeatable; default all three)")
    ap.add_argument("--shape", choices=["uniform", "zipf"], default="uniform",
                    help="uniform (default): 64 components drawn alike, 80 organizations, "
                    "42 tags, 12 lesson themes, ~1,000 words; zipf: 300 components drawn "
                    "with a Zipf-like spread (the first in ~27%% of incidents), 200 "
                    "organizations, 40 tags, 25 lesson themes, ~1,090 words")
    args = ap.parse_args(argv)
    shape = Shape(args.shape)
    if args.count < 1:
        ap.error("--count must be at least 1")
    sites = args.only or ["debrief", "hugo", "zola"]

    out = os.path.abspath(args.out)
    for site in sites:
        if os.path.exists(os.path.join(out, site)):
            shutil.rmtree(os.path.join(out, site))
    dirs = {
        "debrief": os.path.join(out, "debrief"),
        "hugo": os.path.join(out, "hugo"),
        "zola": os.path.join(out, "zola"),
    }
    if "debrief" in sites:
        os.makedirs(os.path.join(dirs["debrief"], "content", "incidents"))
        write(os.path.join(dirs["debrief"], "debrief.toml"), debrief_config(shape))
    if "hugo" in sites:
        h = dirs["hugo"]
        os.makedirs(os.path.join(h, "content", "incidents"))
        os.makedirs(os.path.join(h, "static"))
        write(os.path.join(h, "hugo.toml"), HUGO_CONFIG)
        write(os.path.join(h, "static", "style.css"), STYLE_CSS)
        write(os.path.join(h, "content", "incidents", "_index.md"),
              '---\ntitle: "Incidents"\n---\n')
        for rel, text in HUGO_LAYOUTS.items():
            p = os.path.join(h, "layouts", rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            write(p, text)
    if "zola" in sites:
        z = dirs["zola"]
        os.makedirs(os.path.join(z, "content", "incidents"))
        os.makedirs(os.path.join(z, "templates"))
        os.makedirs(os.path.join(z, "static"))
        write(os.path.join(z, "config.toml"), ZOLA_CONFIG)
        write(os.path.join(z, "config.legacy.toml"), ZOLA_CONFIG_LEGACY)
        write(os.path.join(z, "static", "style.css"), STYLE_CSS)
        write(os.path.join(z, "content", "_index.md"), ZOLA_ROOT_INDEX)
        write(os.path.join(z, "content", "incidents", "_index.md"), ZOLA_INCIDENTS_INDEX)
        for rel, text in ZOLA_TEMPLATES.items():
            write(os.path.join(z, "templates", rel), text)

    years_made = set()
    words = 0
    code_blocks = 0
    for i in range(args.count):
        inc = make_incident(args.seed, i, shape)
        assert "{{" not in inc.body and "{%" not in inc.body, inc.slug
        words += inc.words
        code_blocks += len(inc.code_langs)
        if "debrief" in sites:
            ydir = os.path.join(dirs["debrief"], "content", "incidents", str(inc.year))
            if inc.year not in years_made:
                os.makedirs(ydir, exist_ok=True)
                years_made.add(inc.year)
            write(os.path.join(ydir, inc.slug + ".md"), debrief_page(inc))
        if "hugo" in sites:
            write(os.path.join(dirs["hugo"], "content", "incidents", inc.slug + ".md"),
                  hugo_page(inc))
        if "zola" in sites:
            write(os.path.join(dirs["zola"], "content", "incidents", inc.slug + ".md"),
                  zola_page(inc))
    print(f"corpus: {args.count} incidents, shape {shape.name}, seed {args.seed}, {words} body words "
          f"({words // args.count} per incident), {code_blocks} code blocks -> {out} "
          f"[{', '.join(sites)}]", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
